package io.tributary.bench.chaos;

import io.tributary.bench.OptionParsing;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The chaos run's command line, parsed and checked once. A bad option throws naming the option and the value;
 * nothing is silently repaired.
 *
 * @param cycles        faults injected, one per cycle
 * @param seed          seeds the fault driver (which fault, which subscriber) and the workload's writers; printed at
 *                      the start so a run's sequence of faults can be repeated
 * @param pause         how long the pipeline runs undisturbed after each fault has been repaired
 * @param outage        how long a stopped server stays down, and a killed subscriber stays dead
 * @param rate          the workload's transactions per second (over all writers)
 * @param truncateOneIn one workload transaction in this many truncates a table
 * @param drainTimeout  how long the pipeline may take to catch up after the last cycle before the run fails
 * @param partitionBy   the producer's {@code tributary.kafka.partition-by}: {@code table} or {@code key}
 * @param producerJar   the runnable etl-producer jar
 * @param subscriberJar the runnable es-subscriber jar
 * @param verifierJar   the runnable verifier jar
 * @param outputRoot    where the run's directory (configuration, logs, report) is created
 */
record ChaosOptions(int cycles, long seed, Duration pause, Duration outage, int rate, int truncateOneIn,
                    Duration drainTimeout,
                    String partitionBy, Path producerJar, Path subscriberJar, Path verifierJar, Path outputRoot) {

    static final String USAGE = String.join("\n",
            "usage: run-chaos-bench.sh [options]",
            "  --cycles N            faults to inject, one per cycle (default 50)",
            "  --seed N              seed of the fault sequence and the workload (default: random, printed)",
            "  --pause-seconds N     undisturbed running after each fault (default 6)",
            "  --fault-seconds N     how long a stopped server or a killed subscriber stays down (default 5)",
            "  --rate N              workload transactions per second (default 20)",
            "  --truncate-one-in N   one workload transaction in N truncates a table (default 5000)",
            "  --drain-minutes N     limit for catching up after the last cycle (default 5)",
            "  --partition-by WHAT   the producer's partition-by: table (default) or key",
            "  --producer-jar PATH   default ../etl-producer/target/etl-producer.jar",
            "  --subscriber-jar PATH default ../es-subscriber/target/es-subscriber.jar",
            "  --verifier-jar PATH   default ../verifier/target/verifier.jar",
            "  --output DIR          run directories go here (default target/chaos-bench)");

    static ChaosOptions parse(String[] args) {
        int cycles = 50;
        long seed = new SecureRandom().nextLong();
        long pauseSeconds = 6;
        long outageSeconds = 5;
        int rate = 20;
        int truncateOneIn = 5000;
        long drainMinutes = 5;
        String partitionBy = "table";
        Path producerJar = Path.of("../etl-producer/target/etl-producer.jar");
        Path subscriberJar = Path.of("../es-subscriber/target/es-subscriber.jar");
        Path verifierJar = Path.of("../verifier/target/verifier.jar");
        Path outputRoot = Path.of("target/chaos-bench");
        List<String> rest = new ArrayList<>(List.of(args));
        while (!rest.isEmpty()) {
            String option = rest.remove(0);
            switch (option) {
                case "--cycles" -> cycles = (int) OptionParsing.number(option, OptionParsing.value(option, rest), 1, 10_000);
                case "--seed" -> seed = OptionParsing.number(option, OptionParsing.value(option, rest), Long.MIN_VALUE, Long.MAX_VALUE);
                case "--pause-seconds" -> pauseSeconds = OptionParsing.number(option, OptionParsing.value(option, rest), 0, 3600);
                case "--fault-seconds" -> outageSeconds = OptionParsing.number(option, OptionParsing.value(option, rest), 0, 3600);
                case "--rate" -> rate = (int) OptionParsing.number(option, OptionParsing.value(option, rest), 1, 1000);
                case "--truncate-one-in" -> truncateOneIn = (int) OptionParsing.number(option, OptionParsing.value(option, rest), 1, 1_000_000);
                case "--drain-minutes" -> drainMinutes = OptionParsing.number(option, OptionParsing.value(option, rest), 1, 120);
                case "--partition-by" -> partitionBy = choice(option, OptionParsing.value(option, rest), List.of("table", "key"));
                case "--producer-jar" -> producerJar = Path.of(OptionParsing.value(option, rest));
                case "--subscriber-jar" -> subscriberJar = Path.of(OptionParsing.value(option, rest));
                case "--verifier-jar" -> verifierJar = Path.of(OptionParsing.value(option, rest));
                case "--output" -> outputRoot = Path.of(OptionParsing.value(option, rest));
                default -> throw new IllegalArgumentException("unknown option '" + option + "'");
            }
        }
        OptionParsing.requireJar("--producer-jar", producerJar, "etl-producer");
        OptionParsing.requireJar("--subscriber-jar", subscriberJar, "es-subscriber");
        OptionParsing.requireJar("--verifier-jar", verifierJar, "verifier");
        return new ChaosOptions(cycles, seed, Duration.ofSeconds(pauseSeconds), Duration.ofSeconds(outageSeconds),
                rate, truncateOneIn, Duration.ofMinutes(drainMinutes), partitionBy, producerJar.toAbsolutePath().normalize(),
                subscriberJar.toAbsolutePath().normalize(), verifierJar.toAbsolutePath().normalize(),
                outputRoot.toAbsolutePath().normalize());
    }

    private static String choice(String option, String text, List<String> choices) {
        if (!choices.contains(text)) {
            throw new IllegalArgumentException(option + " must be one of " + choices + ", got '" + text + "'");
        }
        return text;
    }
}
