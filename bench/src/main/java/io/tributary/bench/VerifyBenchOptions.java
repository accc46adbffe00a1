package io.tributary.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The verify benchmark's command line, parsed and checked once. A bad option throws naming the option and the value;
 * nothing is silently repaired. Shares {@link BenchOptions}' value checks.
 *
 * @param rows           rows of the table verified in the main run
 * @param chunkSize      the verifier's {@code --chunk-size}: rows read, and documents fetched, per request
 * @param verifierHeap   the verifier child's {@code -Xmx}, e.g. {@code 256m}
 * @param verifierJar    the runnable verifier jar, started as a child JVM
 * @param profiling      whether the verifier child records a JFR profile (then summarised)
 * @param compareSmaller whether a run with a fifth of the rows comes first, to show whether the heap grows with N
 * @param timeout        how long one verification may take before the run fails
 * @param outputRoot     where each run's directory (configuration, logs, report) is created
 */
record VerifyBenchOptions(long rows, int chunkSize, String verifierHeap, Path verifierJar,
                          BenchOptions.Profiling profiling, boolean compareSmaller, Duration timeout,
                          Path outputRoot) {

    /** The smaller comparison run has this fraction of the rows. */
    static final int SMALLER_DIVISOR = 5;
    /** Enough rows that the planted drift's keys are distinct ({@link PlantedDrift#spreadOver}), also at N / 5. */
    static final long MIN_ROWS = 100;
    /** The verifier's own limit of {@code --chunk-size}. */
    static final int MAX_CHUNK_SIZE = 10_000;

    static final String USAGE = String.join("\n",
            "usage: run-verify-bench.sh [options]",
            "  --rows N              rows of the table verified (default 2000000)",
            "  --chunk-size N        the verifier's --chunk-size, 1 to " + MAX_CHUNK_SIZE + " (default 1000, as"
                    + " the verifier's)",
            "  --verifier-heap SIZE  -Xmx of the verifier child JVM (default 256m)",
            "  --verifier-jar PATH   runnable verifier jar (default ../verifier/target/verifier.jar)",
            "  --compare-smaller     first verify a table of rows / " + SMALLER_DIVISOR
                    + " (it shows whether the heap grows with the rows)",
            "  --jfr                 record a JFR profile of the verifier and print its hot spots",
            "  --timeout-minutes N   limit for each verification (default 30)",
            "  --output DIR          run directories go here (default target/verify-bench)");

    static VerifyBenchOptions parse(String[] args) {
        long rows = 2_000_000;
        int chunkSize = 1000;
        String verifierHeap = "256m";
        Path verifierJar = Path.of("../verifier/target/verifier.jar");
        BenchOptions.Profiling profiling = BenchOptions.Profiling.NONE;
        boolean compareSmaller = false;
        long timeoutMinutes = 30;
        Path outputRoot = Path.of("target/verify-bench");
        List<String> rest = new ArrayList<>(List.of(args));
        while (!rest.isEmpty()) {
            String option = rest.remove(0);
            switch (option) {
                case "--rows" -> rows = OptionParsing.number(option, OptionParsing.value(option, rest), MIN_ROWS,
                        1_000_000_000L);
                case "--chunk-size" -> chunkSize = (int) OptionParsing.number(option,
                        OptionParsing.value(option, rest), 1, MAX_CHUNK_SIZE);
                case "--verifier-heap" -> verifierHeap = OptionParsing.heapSize(option,
                        OptionParsing.value(option, rest));
                case "--verifier-jar" -> verifierJar = Path.of(OptionParsing.value(option, rest));
                case "--compare-smaller" -> compareSmaller = true;
                case "--jfr" -> profiling = BenchOptions.Profiling.JFR;
                case "--timeout-minutes" -> timeoutMinutes = OptionParsing.number(option,
                        OptionParsing.value(option, rest), 1, 24 * 60);
                case "--output" -> outputRoot = Path.of(OptionParsing.value(option, rest));
                default -> throw new IllegalArgumentException("unknown option '" + option + "'");
            }
        }
        if (compareSmaller && rows / SMALLER_DIVISOR < MIN_ROWS) {
            throw new IllegalArgumentException("--rows " + rows + " / " + SMALLER_DIVISOR + " leaves fewer than "
                    + MIN_ROWS + " rows for the smaller run: raise --rows or leave out --compare-smaller");
        }
        if (!Files.isRegularFile(verifierJar)) {
            throw new IllegalArgumentException("--verifier-jar: " + verifierJar.toAbsolutePath()
                    + " does not exist (build it: mvn -B package -DskipTests -pl verifier -am)");
        }
        return new VerifyBenchOptions(rows, chunkSize, verifierHeap, verifierJar.toAbsolutePath().normalize(),
                profiling, compareSmaller, Duration.ofMinutes(timeoutMinutes), outputRoot.toAbsolutePath().normalize());
    }

    /** The row counts to measure, in order: rows / {@value #SMALLER_DIVISOR} first when comparing, then rows. */
    List<Long> runs() {
        return compareSmaller ? List.of(rows / SMALLER_DIVISOR, rows) : List.of(rows);
    }
}
