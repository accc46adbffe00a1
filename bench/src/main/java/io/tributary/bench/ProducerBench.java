package io.tributary.bench;

import static io.tributary.bench.BenchText.describeMachine;
import static io.tributary.bench.BenchText.progress;
import static io.tributary.bench.BenchText.seconds;
import static io.tributary.bench.BenchText.secondsOf;

import io.tributary.localstack.LocalStack;
import io.tributary.localstack.RunningKafka;
import io.tributary.localstack.RunningPostgres;
import io.tributary.model.Lsn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The producer benchmark (issue: "bench/ gets a producer harness"). Starts PostgreSQL and Kafka locally, creates
 * two pgoutput slots, writes a fixed workload (small transactions over three tables, then one bulk transaction),
 * and drains the same workload twice: with {@code pg_recvlogical} into {@code /dev/null} (PostgreSQL's own decode
 * limit) and with etl-producer into Kafka. Prints changes/s of both, their ratio (target: at least
 * {@value #TARGET_RATIO}) and the producer's heap.
 *
 * <p>Exit status: 0 when the figures were measured (whether or not they meet the target), 1 when the run failed,
 * 2 for a bad option. Run by {@code bench/run-producer-bench.sh}; never part of {@code mvn verify}.
 */
public final class ProducerBench {

    static final double TARGET_RATIO = 0.9;
    private static final String DATABASE = "bench";
    private static final String RECVLOGICAL_SLOT = "bench_recvlogical";
    private static final String PRODUCER_SLOT = "bench_producer";
    private static final String TOPIC = "bench.changes";

    private ProducerBench() {
    }

    public static void main(String[] args) {
        BenchLauncher.launch("producer bench", BenchOptions.USAGE, args, BenchOptions::parse, ProducerBench::run);
    }

    private static void run(BenchOptions options) throws Exception {
        Path directory = options.outputRoot()
                .resolve(LocalDateTime.now().truncatedTo(ChronoUnit.SECONDS).toString().replace(':', '-'));
        Files.createDirectories(directory);
        String machine = describeMachine();
        progress("run directory " + directory);
        progress("starting PostgreSQL and Kafka (local-stack)");
        RunningPostgres postgres = LocalStack.postgres();
        RunningKafka kafka = LocalStack.kafka();
        String jdbcUrl = postgres.createDatabase(DATABASE);
        kafka.createTopic(TOPIC, options.partitions());

        Workload workload = new Workload(jdbcUrl, postgres.user(), postgres.password());
        workload.createSchema();
        Lsn slotLsn = workload.createSlot(RECVLOGICAL_SLOT);
        workload.createSlot(PRODUCER_SLOT);
        progress("slots " + RECVLOGICAL_SLOT + " and " + PRODUCER_SLOT + " created at " + slotLsn
                + "; writing " + options.smallChanges() + " changes in small transactions with "
                + options.writers() + " connections");
        Workload.SmallTransactions small = workload.writeSmallTransactions(options.smallChanges(), options.writers());
        progress("small transactions written in " + seconds(small.took()) + "; bulk transaction of "
                + options.bulkRows() + " rows");
        Workload.BulkTransaction bulk = workload.writeBulkTransaction(options.bulkRows());
        Lsn end = workload.commitEndMarker();
        long changes = small.changes() + bulk.rows() + 1;
        workload.checkpoint();
        progress("bulk transaction written in " + seconds(bulk.took()) + "; workload ends at " + end + " ("
                + mib(end.value() - slotLsn.value()) + " MiB of WAL)");

        ProducerDrain.Figures producer = null;
        if (options.order() == BenchOptions.DrainOrder.PRODUCER_FIRST) {
            producer = drainWithProducer(options, directory, jdbcUrl, postgres, kafka, workload, bulk, end);
        }
        progress("draining slot " + RECVLOGICAL_SLOT + " with pg_recvlogical into /dev/null");
        RecvlogicalDrain.Figures recvlogical = RecvlogicalDrain.drain(options.recvlogical(), postgres, DATABASE,
                workload, RECVLOGICAL_SLOT, end, directory.resolve("pg_recvlogical.log"), options.drainTimeout());
        progress("pg_recvlogical: " + seconds(recvlogical.took()));
        if (producer == null) {
            producer = drainWithProducer(options, directory, jdbcUrl, postgres, kafka, workload, bulk, end);
        }

        String report = report(options, machine, postgres, small, bulk, changes, end.value() - slotLsn.value(),
                recvlogical, producer);
        BenchText.publishReport(directory, report, options.profiling() == BenchOptions.Profiling.JFR
                ? directory.resolve("producer.jfr") : null);
        workload.dropEverything(List.of(RECVLOGICAL_SLOT, PRODUCER_SLOT));
        if (producer.events() != changes) {
            throw new IllegalStateException("the producer counted " + producer.events() + " events, the workload"
                    + " made " + changes + " changes: the figures above are not comparable");
        }
    }

    private static ProducerDrain.Figures drainWithProducer(BenchOptions options, Path directory, String jdbcUrl,
                                                           RunningPostgres postgres, RunningKafka kafka,
                                                           Workload workload, Workload.BulkTransaction bulk, Lsn end)
            throws Exception {
        progress("draining slot " + PRODUCER_SLOT + " with etl-producer (-Xmx" + options.producerHeap()
                + ") into Kafka topic " + TOPIC);
        ProducerDrain.Figures producer = ProducerDrain.drain(
                new ServiceChild.Launch(options.producerJar(), options.producerHeap(), options.profiling(), directory),
                new ProducerDrain.Target(jdbcUrl, postgres.user(), postgres.password(), PRODUCER_SLOT,
                        kafka.bootstrapServers(), TOPIC, options.partitions(), bulk.startLsn(), end),
                workload, options.drainTimeout());
        progress("etl-producer: " + seconds(producer.took()));
        return producer;
    }

    private static String report(BenchOptions options, String machine, RunningPostgres postgres,
                                 Workload.SmallTransactions small, Workload.BulkTransaction bulk, long changes,
                                 long walBytes, RecvlogicalDrain.Figures recvlogical, ProducerDrain.Figures producer) {
        double limit = changes / secondsOf(recvlogical.took());
        double fromLaunch = changes / secondsOf(producer.took());
        double streaming = changes / secondsOf(producer.took().minus(producer.startup()));
        StringBuilder out = new StringBuilder();
        out.append(String.format("Tributary producer benchmark, %s%n", OffsetDateTime.now()
                .truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)));
        out.append(String.format("machine: %s; PostgreSQL %d (local-stack, fsync off), Kafka single broker%n",
                machine, postgres.majorVersion()));
        out.append(String.format("workload: %,d small transactions (%,d changes, %d writers, %s) + 1 bulk"
                        + " transaction (%,d rows, %s) + 1 marker = %,d changes, %,d MiB of WAL%n",
                small.transactions(), small.changes(), small.writers(), seconds(small.took()), bulk.rows(),
                seconds(bulk.took()), changes, mib(walBytes)));
        out.append(options.order() == BenchOptions.DrainOrder.PRODUCER_FIRST
                ? "order: etl-producer drained first, then pg_recvlogical\n"
                : "order: pg_recvlogical drained first, then etl-producer\n");
        if (options.profiling() == BenchOptions.Profiling.JFR) {
            out.append("NOTE: the producer ran with a JFR profile; its rate includes the recorder's overhead\n");
        }
        out.append(String.format("%n%-44s %9s %11s %10s %9s %9s%n", "drain of the slot", "time", "changes/s",
                "walsender", "client", "machine"));
        out.append(String.format("%-44s %9s %11s %10s %9s %9s%n", "", "", "", "CPU", "CPU", "CPU"));
        row(out, "pg_recvlogical -> /dev/null (decode limit)", recvlogical.took(), limit, recvlogical.cpu());
        row(out, "etl-producer -> Kafka, from JVM launch", producer.took(), fromLaunch, producer.cpu());
        out.append(String.format("%-44s %9s %,11.0f%n", "etl-producer, without startup (" + seconds(producer.startup())
                + ")", seconds(producer.took().minus(producer.startup())), streaming));
        out.append(String.format("%nratio producer / pg_recvlogical: %.2f from launch, %.2f without startup"
                        + " (target >= %.2f: %s)%n", fromLaunch / limit, streaming / limit, TARGET_RATIO,
                fromLaunch / limit >= TARGET_RATIO ? "met" : "NOT met"));
        ProducerDrain.HeapFigures heap = producer.heap();
        out.append(String.format("producer heap (-Xmx%s): max used %d MiB during small transactions, %d MiB during"
                        + " the bulk one; max after GC %d MiB / %d MiB; %d GC pauses, %.2f s in total%n",
                options.producerHeap(), mib(heap.maxUsedSmall()), mib(heap.maxUsedBulk()),
                mib(heap.maxAfterGcSmall()), mib(heap.maxAfterGcBulk()), heap.gcPauses(), heap.gcPauseSeconds()));
        out.append(String.format("events counted by the producer: %,d (workload: %,d); exit status after SIGTERM: %d%n",
                producer.events(), changes, producer.exitStatus()));
        out.append("CPU columns: seconds used during the drain by the walsender (decoding), by the client process,"
                + " and by the whole machine (Kafka, other work)\n");
        return out.toString();
    }

    private static void row(StringBuilder out, String what, Duration took, double rate, CpuMeter.CpuSeconds cpu) {
        out.append(String.format("%-44s %9s %,11.0f %8.1f s %7.1f s %7.1f s%n", what, seconds(took), rate,
                cpu.walsender(), cpu.client(), cpu.machine()));
    }

    private static long mib(long bytes) {
        return bytes >> 20;
    }
}
