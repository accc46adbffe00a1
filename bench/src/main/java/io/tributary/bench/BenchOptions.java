package io.tributary.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The producer benchmark's command line, parsed and checked once. A bad option throws naming the option and the
 * value; nothing is silently repaired.
 *
 * @param smallTransactions transactions of four changes each in the first phase (0 = no such phase)
 * @param writers        JDBC connections writing the small transactions concurrently
 * @param bulkRows       rows of the one bulk transaction of the second phase (0 = no such phase)
 * @param producerJar    the runnable etl-producer jar, started as a child JVM
 * @param producerHeap   the child's {@code -Xmx}, e.g. {@code 256m}
 * @param recvlogical    the {@code pg_recvlogical} executable
 * @param debeziumClasspath bench-debezium's classpath file, whose child JVM is the third drain; empty with
 *                       {@code --no-debezium}
 * @param debeziumHeap   that child's {@code -Xmx}
 * @param profiling      whether the producer child records a JFR profile (then summarised)
 * @param order          which drain runs first
 * @param drainTimeout   how long either drain may take before the run fails
 * @param partitions     the topic's partitions ({@code tributary.kafka.partitions})
 * @param outputRoot     where each run's directory (configuration, logs, report) is created
 */
record BenchOptions(long smallTransactions, int writers, long bulkRows, Path producerJar, String producerHeap,
                    Path recvlogical, Optional<Path> debeziumClasspath, String debeziumHeap, Profiling profiling, DrainOrder order, Duration drainTimeout, int partitions,
                    Path outputRoot) {

    /** Whether the producer child is profiled. A profiled run's figures include the recorder's overhead. */
    enum Profiling { NONE, JFR }

    /** Which slot is drained first; swapping shows whether going first or second favours a drain. */
    enum DrainOrder { RECVLOGICAL_FIRST, PRODUCER_FIRST }

    static final String USAGE = String.join("\n",
            "usage: run-producer-bench.sh [options]",
            "  --small-transactions N  phase 1: transactions of 4 changes each (default 100000; 0 skips the phase)",
            "  --writers N           JDBC connections writing them concurrently (default 4)",
            "  --bulk-rows N         phase 2: rows inserted by one transaction (default 1000000; 0 skips the phase)",
            "  --producer-heap SIZE  -Xmx of the producer child JVM (default 256m)",
            "  --producer-jar PATH   runnable producer jar (default ../etl-producer/target/etl-producer.jar)",
            "  --pg-recvlogical PATH pg_recvlogical executable (default /usr/bin/pg_recvlogical)",
            "  --no-debezium         skip the third drain, Debezium's embedded connector into Kafka",
            "  --debezium-heap SIZE  -Xmx of the Debezium child JVM (default 256m)",
            "  --debezium-classpath FILE  bench-debezium's runtime classpath, its classes beside it",
            "                        (default ../bench-debezium/target/bench-debezium.classpath)",
            "  --partitions N        topic partitions (default 12)",
            "  --timeout-minutes N   limit for each drain (default 30)",
            "  --jfr                 record a JFR profile of the producer and print its hot spots",
            "  --producer-first      drain the producer's slot first (default: pg_recvlogical's first)",
            "  --output DIR          run directories go here (default target/producer-bench)");

    static BenchOptions parse(String[] args) {
        long smallTransactions = 100_000;
        int writers = 4;
        long bulkRows = 1_000_000;
        Path producerJar = Path.of("../etl-producer/target/etl-producer.jar");
        String producerHeap = "256m";
        Path recvlogical = Path.of("/usr/bin/pg_recvlogical");
        boolean debezium = true;
        Path debeziumClasspath = Path.of("../bench-debezium/target/bench-debezium.classpath");
        String debeziumHeap = "256m";
        Profiling profiling = Profiling.NONE;
        DrainOrder order = DrainOrder.RECVLOGICAL_FIRST;
        long timeoutMinutes = 30;
        int partitions = 12;
        Path outputRoot = Path.of("target/producer-bench");
        List<String> rest = new ArrayList<>(List.of(args));
        while (!rest.isEmpty()) {
            String option = rest.remove(0);
            switch (option) {
                case "--small-transactions" -> smallTransactions = OptionParsing.number(option, OptionParsing.value(option, rest), 0, 100_000_000L);
                case "--writers" -> writers = (int) OptionParsing.number(option, OptionParsing.value(option, rest), 1, 64);
                case "--bulk-rows" -> bulkRows = OptionParsing.number(option, OptionParsing.value(option, rest), 0, 1_000_000_000L);
                case "--producer-jar" -> producerJar = Path.of(OptionParsing.value(option, rest));
                case "--producer-heap" -> producerHeap = OptionParsing.heapSize(option, OptionParsing.value(option, rest));
                case "--pg-recvlogical" -> recvlogical = Path.of(OptionParsing.value(option, rest));
                case "--no-debezium" -> debezium = false;
                case "--debezium-heap" -> debeziumHeap = OptionParsing.heapSize(option, OptionParsing.value(option, rest));
                case "--debezium-classpath" -> debeziumClasspath = Path.of(OptionParsing.value(option, rest));
                case "--partitions" -> partitions = (int) OptionParsing.number(option, OptionParsing.value(option, rest), 1, 10_000);
                case "--timeout-minutes" -> timeoutMinutes = OptionParsing.number(option, OptionParsing.value(option, rest), 1, 24 * 60);
                case "--jfr" -> profiling = Profiling.JFR;
                case "--producer-first" -> order = DrainOrder.PRODUCER_FIRST;
                case "--output" -> outputRoot = Path.of(OptionParsing.value(option, rest));
                default -> throw new IllegalArgumentException("unknown option '" + option + "'");
            }
        }
        if (!Files.isRegularFile(producerJar)) {
            throw new IllegalArgumentException("--producer-jar: " + producerJar.toAbsolutePath()
                    + " does not exist (build it: mvn -B package -DskipTests -pl etl-producer -am)");
        }
        if (!Files.isExecutable(recvlogical)) {
            throw new IllegalArgumentException("--pg-recvlogical: " + recvlogical + " is not an executable"
                    + " (install the PostgreSQL client tools, e.g. apt-get install postgresql-client)");
        }
        if (debezium && (!Files.isRegularFile(debeziumClasspath)
                || !Files.isDirectory(debeziumClasspath.resolveSibling("classes")))) {
            throw new IllegalArgumentException("--debezium-classpath: " + debeziumClasspath.toAbsolutePath()
                    + " or the classes beside it do not exist (build them: mvn -B -Ppeers package -DskipTests -pl"
                    + " bench-debezium, or run run-producer-bench.sh without BENCH_SKIP_BUILD=1; --no-debezium skips"
                    + " Debezium)");
        }
        if (smallTransactions == 0 && bulkRows == 0) {
            throw new IllegalArgumentException("--small-transactions and --bulk-rows are both 0: nothing to measure");
        }
        return new BenchOptions(smallTransactions, writers, bulkRows, producerJar.toAbsolutePath().normalize(),
                producerHeap, recvlogical,
                debezium ? Optional.of(debeziumClasspath.toAbsolutePath().normalize()) : Optional.empty(), debeziumHeap,
                profiling, order, Duration.ofMinutes(timeoutMinutes), partitions,
                outputRoot.toAbsolutePath().normalize());
    }
}
