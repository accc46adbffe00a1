package io.tributary.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The snapshot benchmark's command line, parsed and checked once. A bad option throws naming the option and the
 * value; nothing is silently repaired. Shares {@link BenchOptions}' value checks.
 *
 * @param rows           rows in all tables together, for the main run
 * @param tables         tables the rows are spread over (as evenly as possible)
 * @param chunkSize      the producer's {@code tributary.postgres.snapshot.chunk-size}
 * @param parallelism    the producer's {@code tributary.postgres.snapshot.parallelism}; also the COPY baseline's
 *                       connections (at most one per table)
 * @param producerHeap   the child's {@code -Xmx}, e.g. {@code 256m}
 * @param producerJar    the runnable etl-producer jar, started as a child JVM
 * @param profiling      whether the producer child records a JFR profile (then summarised)
 * @param compareSmaller whether a run with a fifth of the rows comes first, to show whether the heap grows with N
 * @param incremental    whether the tables are read by an incremental snapshot while the producer streams (requested
 *                       once it is up, with {@code snapshot.mode = never}) instead of its initial snapshot
 * @param timeout        how long one snapshot may take before the run fails
 * @param outputRoot     where each run's directory (configuration, logs, report) is created
 * @param shape          what the tables' rows hold
 * @param debeziumModule the {@code bench-debezium} module whose Debezium snapshot runs beside the producer's, or
 *                       empty for none
 */
record SnapshotBenchOptions(long rows, int tables, int chunkSize, int parallelism, String producerHeap,
                            Path producerJar, BenchOptions.Profiling profiling, boolean compareSmaller,
                            boolean incremental, Duration timeout, Path outputRoot, SnapshotTables.Shape shape,
                            Optional<Path> debeziumModule) {

    /** The smaller comparison run has this fraction of the rows. */
    static final int SMALLER_DIVISOR = 5;

    static final String USAGE = String.join("\n",
            "usage: run-snapshot-bench.sh [options]",
            "  --rows N              rows in all tables together (default 5000000)",
            "  --tables N            tables the rows are spread over (default 1)",
            "  --chunk-size N        producer snapshot.chunk-size (default 10000)",
            "  --parallelism N       producer snapshot.parallelism, and the COPY baseline's connections (default 2)",
            "  --producer-heap SIZE  -Xmx of the producer child JVM (default 256m)",
            "  --producer-jar PATH   runnable producer jar (default ../etl-producer/target/etl-producer.jar)",
            "  --jfr                 record a JFR profile of the producer and print its hot spots",
            "  --no-compare-smaller  skip the first run with rows / " + SMALLER_DIVISOR
                    + " (it shows whether the heap grows with the rows)",
            "  --incremental         an incremental snapshot while streaming (scripts/snapshot.sh request) instead of"
                    + " the initial one",
            "  --shape orders|simple rows like users' orders: bigint key, text, numeric(12,2), text[], jsonb, two"
                    + " timestamptz (default); or the first bench's simpler rows",
            "  --no-debezium         skip Debezium 3.6.1's initial snapshot of the same tables (run after the"
                    + " producer's, same -Xmx, own slot and topic)",
            "  --debezium-module DIR the bench-debezium module, built (default ../bench-debezium)",
            "  --timeout-minutes N   limit for each snapshot (default 30)",
            "  --output DIR          run directories go here (default target/snapshot-bench)");

    static SnapshotBenchOptions parse(String[] args) {
        long rows = 5_000_000;
        int tables = 1;
        int chunkSize = 10_000;
        int parallelism = 2;
        String producerHeap = "256m";
        Path producerJar = Path.of("../etl-producer/target/etl-producer.jar");
        BenchOptions.Profiling profiling = BenchOptions.Profiling.NONE;
        boolean compareSmaller = true;
        boolean incremental = false;
        long timeoutMinutes = 30;
        Path outputRoot = Path.of("target/snapshot-bench");
        SnapshotTables.Shape shape = SnapshotTables.Shape.ORDERS;
        boolean debezium = true;
        Path debeziumModule = Path.of("../bench-debezium");
        List<String> rest = new ArrayList<>(List.of(args));
        while (!rest.isEmpty()) {
            String option = rest.remove(0);
            switch (option) {
                case "--rows" -> rows = OptionParsing.number(option, OptionParsing.value(option, rest), 1,
                        1_000_000_000L);
                case "--tables" -> tables = (int) OptionParsing.number(option, OptionParsing.value(option, rest), 1,
                        1000);
                case "--chunk-size" -> chunkSize = (int) OptionParsing.number(option,
                        OptionParsing.value(option, rest), 1, 1_000_000);
                case "--parallelism" -> parallelism = (int) OptionParsing.number(option,
                        OptionParsing.value(option, rest), 1, 64);
                case "--producer-heap" -> producerHeap = OptionParsing.heapSize(option, OptionParsing.value(option, rest));
                case "--producer-jar" -> producerJar = Path.of(OptionParsing.value(option, rest));
                case "--jfr" -> profiling = BenchOptions.Profiling.JFR;
                case "--no-compare-smaller" -> compareSmaller = false;
                case "--incremental" -> incremental = true;
                case "--timeout-minutes" -> timeoutMinutes = OptionParsing.number(option,
                        OptionParsing.value(option, rest), 1, 24 * 60);
                case "--output" -> outputRoot = Path.of(OptionParsing.value(option, rest));
                case "--shape" -> shape = shape(OptionParsing.value(option, rest));
                case "--no-debezium" -> debezium = false;
                case "--debezium-module" -> debeziumModule = Path.of(OptionParsing.value(option, rest));
                default -> throw new IllegalArgumentException("unknown option '" + option + "'");
            }
        }
        if (rows < tables) {
            throw new IllegalArgumentException("--rows (" + rows + ") must be at least --tables (" + tables + ")");
        }
        if (compareSmaller && rows / SMALLER_DIVISOR < tables) {
            throw new IllegalArgumentException("--rows " + rows + " / " + SMALLER_DIVISOR + " leaves fewer rows than"
                    + " --tables (" + tables + ") for the smaller run: raise --rows or give --no-compare-smaller");
        }
        if (!Files.isRegularFile(producerJar)) {
            throw new IllegalArgumentException("--producer-jar: " + producerJar.toAbsolutePath()
                    + " does not exist (build it: mvn -B package -DskipTests -pl etl-producer -am)");
        }
        if (debezium && incremental) {
            throw new IllegalArgumentException("--incremental has no Debezium peer here: give --no-debezium too");
        }
        if (debezium && !Files.isRegularFile(debeziumModule.resolve("target/bench-debezium.classpath"))) {
            throw new IllegalArgumentException("--debezium-module: " + debeziumModule.toAbsolutePath()
                    + "/target/bench-debezium.classpath does not exist (build it: mvn -B -Ppeers package -DskipTests -pl"
                    + " bench-debezium), or give --no-debezium");
        }
        return new SnapshotBenchOptions(rows, tables, chunkSize, parallelism, producerHeap,
                producerJar.toAbsolutePath().normalize(), profiling, compareSmaller, incremental,
                Duration.ofMinutes(timeoutMinutes), outputRoot.toAbsolutePath().normalize(), shape,
                debezium ? Optional.of(debeziumModule.toAbsolutePath().normalize()) : Optional.empty());
    }

    private static SnapshotTables.Shape shape(String value) {
        return switch (value) {
            case "orders", "simple" -> SnapshotTables.Shape.valueOf(value.toUpperCase(Locale.ROOT));
            default -> throw new IllegalArgumentException("--shape must be orders or simple, got '" + value + "'");
        };
    }

    /** The row counts to measure, in order: rows / {@value #SMALLER_DIVISOR} first when comparing, then rows. */
    List<Long> runs() {
        return compareSmaller ? List.of(rows / SMALLER_DIVISOR, rows) : List.of(rows);
    }
}
