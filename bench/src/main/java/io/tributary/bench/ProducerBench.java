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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The producer benchmark (issue 14: "speed on realistic rows"). Starts PostgreSQL and Kafka locally and measures two
 * phases on one table that looks like users' tables ({@link Workload}: jsonb, text[], numeric, timestamptz, REPLICA
 * IDENTITY FULL): many small transactions of four changes, then one transaction inserting many rows. Each phase
 * creates one slot per drain before writing, so every drain decodes the same WAL, and drains it with
 * {@code pg_recvlogical} into {@code /dev/null} (PostgreSQL's own decode limit), with etl-producer into Kafka and,
 * last, with Debezium's embedded PostgreSQL connector into Kafka (the peer; {@code --no-debezium} skips it).
 * Prints changes/s of each drain, the ratios producer / pg_recvlogical (target: at least {@value #TARGET_RATIO}) and
 * producer / Debezium (target: at least {@value #TARGET_DEBEZIUM_RATIO}), the producer's CPU per change (target: at
 * most {@value #TARGET_CPU_MICROS} µs) and its heap.
 *
 * <p>Exit status: 0 when the figures were measured (whether or not they meet the target), 1 when the run failed,
 * 2 for a bad option. Run by {@code bench/run-producer-bench.sh}; never part of {@code mvn verify}.
 */
public final class ProducerBench {

    static final double TARGET_RATIO = 0.9;
    static final double TARGET_CPU_MICROS = 10;
    static final double TARGET_DEBEZIUM_RATIO = 3;
    private static final String DATABASE = "bench";
    private static final String RECVLOGICAL_SLOT = "bench_recvlogical";
    private static final String PRODUCER_SLOT = "bench_producer";
    private static final String TOPIC = "bench.changes";
    private static final String DEBEZIUM_SLOT = "bench_debezium";
    private static final String DEBEZIUM_TOPIC = "bench.debezium";

    private ProducerBench() {
    }

    public static void main(String[] args) {
        BenchLauncher.launch("producer bench", BenchOptions.USAGE, args, BenchOptions::parse, ProducerBench::run);
    }

    /** One phase of the workload and what each drain made of it; no Debezium figures with --no-debezium. */
    record PhaseFigures(String name, Workload.Written written, long changes, long walBytes,
                        RecvlogicalDrain.Figures recvlogical, ProducerDrain.Figures producer,
                        Optional<DebeziumDrain.Figures> debezium) {
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
        if (options.debeziumClasspath().isPresent()) {
            kafka.createTopic(DEBEZIUM_TOPIC, options.partitions());
        }

        Workload workload = new Workload(jdbcUrl, postgres.user(), postgres.password());
        workload.createSchema(options.smallTransactions());
        List<PhaseFigures> phases = new ArrayList<>();
        if (options.smallTransactions() > 0) {
            phases.add(phase("small transactions", options, directory, postgres, kafka, workload, () -> {
                progress("writing " + options.smallTransactions() + " transactions of "
                        + Workload.CHANGES_PER_SMALL_TRANSACTION + " changes with " + options.writers()
                        + " connections");
                return workload.writeSmallTransactions(options.smallTransactions(), options.writers());
            }));
        }
        if (options.bulkRows() > 0) {
            phases.add(phase("one bulk transaction", options, directory, postgres, kafka, workload, () -> {
                progress("writing one transaction of " + options.bulkRows() + " rows");
                return workload.writeBulkTransaction(options.bulkRows());
            }));
        }
        String report = report(options, machine, postgres, phases);
        if (options.profiling() == BenchOptions.Profiling.JFR) {
            for (PhaseFigures phase : phases) {
                report += "\nproducer profile, phase '" + phase.name() + "':\n"
                        + JfrHotSpots.summarize(phaseDirectory(directory, phase.name()).resolve("producer.jfr"), 20);
            }
        }
        BenchText.publishReport(directory, report, null);
        workload.dropSchema();
        for (PhaseFigures phase : phases) {
            if (phase.producer().events() != phase.changes()) {
                throw new IllegalStateException("in phase '" + phase.name() + "' the producer counted "
                        + phase.producer().events() + " events, the workload made " + phase.changes()
                        + " changes: the figures above are not comparable");
            }
            if (phase.debezium().isPresent() && phase.debezium().get().records() != phase.changes()) {
                throw new IllegalStateException("in phase '" + phase.name() + "' Debezium sent "
                        + phase.debezium().get().records() + " records, the workload made " + phase.changes()
                        + " changes: the figures above are not comparable");
            }
        }
    }

    /** Writes what a phase writes. */
    private interface PhaseWrites {
        Workload.Written write() throws Exception;
    }

    /** Creates the slots, writes the phase and its end marker, drains every slot, drops the slots. */
    private static PhaseFigures phase(String name, BenchOptions options, Path directory, RunningPostgres postgres,
                                      RunningKafka kafka, Workload workload, PhaseWrites writes) throws Exception {
        progress("phase: " + name);
        Lsn slotLsn = workload.createSlot(RECVLOGICAL_SLOT);
        workload.createSlot(PRODUCER_SLOT);
        List<String> slots = new ArrayList<>(List.of(RECVLOGICAL_SLOT, PRODUCER_SLOT));
        if (options.debeziumClasspath().isPresent()) {
            workload.createSlot(DEBEZIUM_SLOT);
            slots.add(DEBEZIUM_SLOT);
        }
        Workload.Written written = writes.write();
        Workload.EndMarker marker = workload.commitEndMarker();
        Lsn end = marker.end();
        long changes = written.changes() + 1;
        workload.checkpoint();
        progress(name + " written in " + seconds(written.took()) + "; the phase ends at " + end + " ("
                + mib(end.value() - slotLsn.value()) + " MiB of WAL)");
        Path phaseDirectory = Files.createDirectories(phaseDirectory(directory, name));

        ProducerDrain.Figures producer = null;
        if (options.order() == BenchOptions.DrainOrder.PRODUCER_FIRST) {
            producer = drainWithProducer(options, phaseDirectory, postgres, kafka, workload, end);
        }
        progress("draining slot " + RECVLOGICAL_SLOT + " with pg_recvlogical into /dev/null");
        RecvlogicalDrain.Figures recvlogical = RecvlogicalDrain.drain(options.recvlogical(), postgres, DATABASE,
                workload, RECVLOGICAL_SLOT, end, phaseDirectory.resolve("pg_recvlogical.log"),
                options.drainTimeout());
        progress("pg_recvlogical: " + seconds(recvlogical.took()));
        if (producer == null) {
            producer = drainWithProducer(options, phaseDirectory, postgres, kafka, workload, end);
        }
        Optional<DebeziumDrain.Figures> debezium = Optional.empty();
        if (options.debeziumClasspath().isPresent()) {
            debezium = Optional.of(drainWithDebezium(options, options.debeziumClasspath().get(), phaseDirectory,
                    postgres, kafka, workload, marker));
        }
        workload.dropSlots(slots);
        return new PhaseFigures(name, written, changes, end.value() - slotLsn.value(), recvlogical, producer,
                debezium);
    }

    private static Path phaseDirectory(Path runDirectory, String phase) {
        return runDirectory.resolve(phase.replace(' ', '-'));
    }

    private static ProducerDrain.Figures drainWithProducer(BenchOptions options, Path directory,
                                                           RunningPostgres postgres, RunningKafka kafka,
                                                           Workload workload, Lsn end) throws Exception {
        progress("draining slot " + PRODUCER_SLOT + " with etl-producer (-Xmx" + options.producerHeap()
                + ") into Kafka topic " + TOPIC);
        ProducerDrain.Figures producer = ProducerDrain.drain(
                new ServiceChild.Launch(options.producerJar(), options.producerHeap(), options.profiling(), directory),
                new ProducerDrain.Target(postgres.jdbcUrl(DATABASE), postgres.user(), postgres.password(),
                        PRODUCER_SLOT, kafka.bootstrapServers(), TOPIC, options.partitions(), end),
                workload, options.drainTimeout());
        progress("etl-producer: " + seconds(producer.took()));
        return producer;
    }

    private static DebeziumDrain.Figures drainWithDebezium(BenchOptions options, Path classpathFile, Path directory,
                                                           RunningPostgres postgres, RunningKafka kafka,
                                                           Workload workload, Workload.EndMarker marker)
            throws Exception {
        progress("draining slot " + DEBEZIUM_SLOT + " with Debezium's embedded connector (-Xmx" + options.debeziumHeap()
                + ") into Kafka topic " + DEBEZIUM_TOPIC);
        DebeziumDrain.Figures debezium = DebeziumDrain.drain(
                new DebeziumDrain.Launch(classpathFile, options.debeziumHeap(), directory),
                new DebeziumDrain.Target(postgres, DATABASE, DEBEZIUM_SLOT, kafka.bootstrapServers(), DEBEZIUM_TOPIC,
                        marker.beforeChange()),
                workload, options.drainTimeout());
        progress("Debezium: " + seconds(debezium.took()));
        return debezium;
    }

    private static String report(BenchOptions options, String machine, RunningPostgres postgres,
                                 List<PhaseFigures> phases) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("Tributary producer benchmark, %s%n", OffsetDateTime.now()
                .truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)));
        out.append(String.format("machine: %s; PostgreSQL %d (local-stack, fsync off), Kafka single broker%n",
                machine, postgres.majorVersion()));
        out.append("table: " + Workload.TABLE + " (bigint key, bigint, text, numeric(12,2), text[], jsonb, text,"
                + " 2 timestamptz), REPLICA IDENTITY FULL\n");
        String last = options.debeziumClasspath().isPresent() ? ", then Debezium" : "";
        out.append(options.order() == BenchOptions.DrainOrder.PRODUCER_FIRST
                ? "order: etl-producer drained first, then pg_recvlogical" + last + "\n"
                : "order: pg_recvlogical drained first, then etl-producer" + last + "\n");
        if (options.debeziumClasspath().isPresent()) {
            out.append("Debezium: embedded PostgreSQL connector (pgoutput, the bench's slot and publication, no"
                    + " snapshot), JSON without schemas, decimal.handling.mode=string, no tombstones; each batch sent"
                    + " and marked processed once Kafka acknowledged it (lz4, batch.size 524288, linger.ms 10,"
                    + " acks=all, idempotence)\n");
        }
        if (options.profiling() == BenchOptions.Profiling.JFR) {
            out.append("NOTE: the producer ran with a JFR profile; its rate includes the recorder's overhead\n");
        }
        for (PhaseFigures phase : phases) {
            phaseReport(out, options, phase);
        }
        out.append("\nCPU columns: seconds used during the drain by the walsender (decoding), by the client process,"
                + " and by the whole machine (Kafka, other work)\n");
        return out.toString();
    }

    private static void phaseReport(StringBuilder out, BenchOptions options, PhaseFigures phase) {
        Workload.Written written = phase.written();
        out.append(String.format("%nphase: %s — %,d transactions, %,d changes + 1 marker (%d writers, written in %s),"
                        + " %,d MiB of WAL%n", phase.name(), written.transactions(), written.changes(),
                written.writers(), seconds(written.took()), mib(phase.walBytes())));
        ProducerDrain.Figures producer = phase.producer();
        double limit = phase.changes() / secondsOf(phase.recvlogical().took());
        double fromLaunch = phase.changes() / secondsOf(producer.took());
        double streaming = phase.changes() / secondsOf(producer.took().minus(producer.startup()));
        out.append(String.format("%-44s %9s %11s %10s %9s %9s%n", "drain of the slot", "time", "changes/s",
                "walsender", "client", "machine"));
        out.append(String.format("%-44s %9s %11s %10s %9s %9s%n", "", "", "", "CPU", "CPU", "CPU"));
        row(out, "pg_recvlogical -> /dev/null (decode limit)", phase.recvlogical().took(), limit,
                phase.recvlogical().cpu());
        row(out, "etl-producer -> Kafka, from JVM launch", producer.took(), fromLaunch, producer.cpu());
        out.append(String.format("%-44s %9s %,11.0f%n", "etl-producer, without startup (" + seconds(producer.startup())
                + ")", seconds(producer.took().minus(producer.startup())), streaming));
        out.append(String.format("ratio producer / pg_recvlogical: %.2f from launch, %.2f without startup"
                        + " (target >= %.2f: %s)%n", fromLaunch / limit, streaming / limit, TARGET_RATIO,
                fromLaunch / limit >= TARGET_RATIO ? "met" : "NOT met"));
        double cpuMicros = producer.cpu().client() * 1e6 / phase.changes();
        double streamingCpuMicros = (producer.cpu().client() - producer.startupCpu()) * 1e6 / phase.changes();
        out.append(String.format("producer CPU per change: %.1f µs without startup (%.1f s of CPU until the first"
                        + " event), %.1f µs with it (target <= %.0f µs: %s)%n", streamingCpuMicros,
                producer.startupCpu(), cpuMicros, TARGET_CPU_MICROS,
                streamingCpuMicros <= TARGET_CPU_MICROS ? "met" : "NOT met"));
        double compiler = producer.streamingCompilerSeconds();
        out.append(String.format("  of which the JIT compiler threads %.1f s (%.1f µs per change; a producer running for"
                        + " hours pays them once): %.1f µs per change without them%n", compiler,
                compiler * 1e6 / phase.changes(), streamingCpuMicros - compiler * 1e6 / phase.changes()));
        out.append("  streaming CPU by thread: ")
                .append(SubscriberDrain.Streaming.describeThreads(producer.streamingThreads())).append('\n');
        ProducerDrain.HeapFigures heap = producer.heap();
        out.append(String.format("producer heap (-Xmx%s): max used %d MiB, max after GC %d MiB; %d GC pauses,"
                        + " %.2f s in total%n", options.producerHeap(), mib(heap.maxUsed()), mib(heap.maxAfterGc()),
                heap.gcPauses(), heap.gcPauseSeconds()));
        out.append(String.format("events counted by the producer: %,d (workload: %,d); exit status after SIGTERM: %d%n",
                producer.events(), phase.changes(), producer.exitStatus()));
        phase.debezium().ifPresent(debezium -> debeziumReport(out, options, phase, fromLaunch, streaming, debezium));
    }

    private static void debeziumReport(StringBuilder out, BenchOptions options, PhaseFigures phase,
                                       double producerFromLaunch, double producerStreaming,
                                       DebeziumDrain.Figures debezium) {
        double fromLaunch = phase.changes() / secondsOf(debezium.took());
        double streaming = phase.changes() / secondsOf(debezium.took().minus(debezium.startup()));
        row(out, "Debezium " + debezium.version().replace(".Final", "") + " embedded -> Kafka", debezium.took(),
                fromLaunch, debezium.cpu());
        out.append(String.format("%-44s %9s %,11.0f%n", "Debezium, without startup (" + seconds(debezium.startup())
                + ")", seconds(debezium.took().minus(debezium.startup())), streaming));
        out.append(String.format("ratio producer / Debezium: %.2f from launch, %.2f without startup"
                        + " (target >= %.0f: %s)%n", producerFromLaunch / fromLaunch, producerStreaming / streaming,
                TARGET_DEBEZIUM_RATIO, producerFromLaunch / fromLaunch >= TARGET_DEBEZIUM_RATIO ? "met" : "NOT met"));
        ProducerDrain.HeapFigures heap = debezium.heap();
        out.append(String.format("Debezium heap (-Xmx%s): max used %d MiB, max after GC %d MiB; %d GC pauses,"
                        + " %.2f s in total; CPU per change %.1f µs%n", options.debeziumHeap(), mib(heap.maxUsed()),
                mib(heap.maxAfterGc()), heap.gcPauses(), heap.gcPauseSeconds(),
                debezium.cpu().client() * 1e6 / phase.changes()));
        out.append(String.format("records Debezium sent to Kafka: %,d (workload: %,d)%n", debezium.records(),
                phase.changes()));
    }

    private static void row(StringBuilder out, String what, Duration took, double rate, CpuMeter.CpuSeconds cpu) {
        out.append(String.format("%-44s %9s %,11.0f %8.1f s %7.1f s %7.1f s%n", what, seconds(took), rate,
                cpu.walsender(), cpu.client(), cpu.machine()));
    }

    private static long mib(long bytes) {
        return bytes >> 20;
    }
}
