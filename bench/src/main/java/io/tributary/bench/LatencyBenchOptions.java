package io.tributary.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The latency benchmark's command line, parsed and checked once. A bad option throws naming the option and the
 * value; nothing is silently repaired.
 *
 * @param rates                 background changes/s of the load phases, one phase each, with default settings
 * @param measured              how long each phase's probes are measured
 * @param warmUp                how long each phase runs (load and probes) before its probes count
 * @param firstWarmUp           the same for the first phase, which also warms up a freshly started Elasticsearch
 * @param sweepRate             background changes/s of the settings sweep; 0 for none
 * @param maxWaits              {@code tributary.elasticsearch.bulk.max-wait} values of the sweep; the first is the
 *                              subscriber's default
 * @param lingers               the producer's {@code linger.ms} values of the sweep; the first is its default
 * @param changesPerTransaction background changes per transaction
 * @param writers               connections the background load commits on
 * @param probeEvery            how often a probe row is inserted
 * @param pollEvery             how often Elasticsearch is asked for the probes not yet seen (GET and search each)
 * @param partitions            partitions of the topic
 * @param timeout               how long the last probe may take to become searchable before the run fails
 */
record LatencyBenchOptions(List<Integer> rates, Duration measured, Duration warmUp, Duration firstWarmUp,
                           int sweepRate,
                           List<String> maxWaits, List<Integer> lingers, int changesPerTransaction, int writers,
                           Duration probeEvery, Duration pollEvery, int partitions, Path producerJar,
                           Path subscriberJar, String heap, Duration timeout, Path outputRoot) {

    static final String USAGE = String.join("\n",
            "usage: run-latency-bench.sh [options]",
            "  --rates N,...             background changes/s, one phase each with default settings (default 1000,5000)",
            "  --seconds N               measured seconds per phase (default 60)",
            "  --warmup-seconds N        seconds of load and probes before a phase's probes count (default 15)",
            "  --first-warmup-seconds N  the same for the first phase, which also warms up Elasticsearch (default 60)",
            "  --sweep-rate N            changes/s of the bulk.max-wait x linger.ms sweep; 0 = none (default 1000)",
            "  --max-waits D,...         tributary.elasticsearch.bulk.max-wait values, the default first (default"
                    + " 50ms,200ms)",
            "  --lingers N,...           the producer's linger.ms values, its default first (default 5,0)",
            "  --changes-per-transaction N   background changes per transaction (default 5)",
            "  --writers N               connections of the background load (default 4)",
            "  --probe-millis N          a probe row every N ms (default 100)",
            "  --poll-millis N           Elasticsearch is asked for unseen probes every N ms (default 10)",
            "  --partitions N            topic partitions (default 12)",
            "  --heap SIZE               -Xmx of each service child JVM (default 256m)",
            "  --producer-jar PATH       (default ../etl-producer/target/etl-producer.jar)",
            "  --subscriber-jar PATH     (default ../es-subscriber/target/es-subscriber.jar)",
            "  --timeout-seconds N       how long the last probe of a phase may take (default 120)",
            "  --output DIR              run directories go here (default target/latency-bench)");

    static LatencyBenchOptions parse(String[] args) {
        List<Integer> rates = List.of(1000, 5000);
        long seconds = 60;
        long warmUpSeconds = 15;
        long firstWarmUpSeconds = 60;
        int sweepRate = 1000;
        List<String> maxWaits = List.of("50ms", "200ms");
        List<Integer> lingers = List.of(5, 0);
        int changesPerTransaction = 5;
        int writers = 4;
        long probeMillis = 100;
        long pollMillis = 10;
        int partitions = 12;
        String heap = "256m";
        Path producerJar = Path.of("../etl-producer/target/etl-producer.jar");
        Path subscriberJar = Path.of("../es-subscriber/target/es-subscriber.jar");
        long timeoutSeconds = 120;
        Path outputRoot = Path.of("target/latency-bench");
        List<String> rest = new ArrayList<>(List.of(args));
        while (!rest.isEmpty()) {
            String option = rest.remove(0);
            String value = OptionParsing.value(option, rest);
            switch (option) {
                case "--rates" -> rates = numbers(option, value, 1, 1_000_000);
                case "--seconds" -> seconds = OptionParsing.number(option, value, 1, 3600);
                case "--warmup-seconds" -> warmUpSeconds = OptionParsing.number(option, value, 0, 600);
                case "--first-warmup-seconds" -> firstWarmUpSeconds = OptionParsing.number(option, value, 0, 600);
                case "--sweep-rate" -> sweepRate = (int) OptionParsing.number(option, value, 0, 1_000_000);
                case "--max-waits" -> maxWaits = durations(option, value);
                case "--lingers" -> lingers = numbers(option, value, 0, 10_000);
                case "--changes-per-transaction" -> changesPerTransaction = (int) OptionParsing.number(option, value,
                        1, 10_000);
                case "--writers" -> writers = (int) OptionParsing.number(option, value, 1, 64);
                case "--probe-millis" -> probeMillis = OptionParsing.number(option, value, 10, 60_000);
                case "--poll-millis" -> pollMillis = OptionParsing.number(option, value, 1, 10_000);
                case "--partitions" -> partitions = (int) OptionParsing.number(option, value, 1, 10_000);
                case "--heap" -> heap = OptionParsing.heapSize(option, value);
                case "--producer-jar" -> producerJar = Path.of(value);
                case "--subscriber-jar" -> subscriberJar = Path.of(value);
                case "--timeout-seconds" -> timeoutSeconds = OptionParsing.number(option, value, 1, 3600);
                case "--output" -> outputRoot = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option '" + option + "'");
            }
        }
        for (Path jar : List.of(producerJar, subscriberJar)) {
            if (!Files.isRegularFile(jar)) {
                throw new IllegalArgumentException(jar.toAbsolutePath() + " does not exist (build it: mvn -B package"
                        + " -DskipTests -pl etl-producer,es-subscriber -am)");
            }
        }
        return new LatencyBenchOptions(rates, Duration.ofSeconds(seconds), Duration.ofSeconds(warmUpSeconds),
                Duration.ofSeconds(firstWarmUpSeconds), sweepRate, maxWaits, lingers, changesPerTransaction, writers, Duration.ofMillis(probeMillis),
                Duration.ofMillis(pollMillis), partitions, producerJar.toAbsolutePath().normalize(),
                subscriberJar.toAbsolutePath().normalize(), heap, Duration.ofSeconds(timeoutSeconds),
                outputRoot.toAbsolutePath().normalize());
    }

    /** A comma-separated list of whole numbers from {@code min} to {@code max}. */
    private static List<Integer> numbers(String option, String text, long min, long max) {
        List<Integer> values = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            values.add((int) OptionParsing.number(option, part.trim(), min, max));
        }
        return List.copyOf(values);
    }

    /** A comma-separated list of durations as HOCON spells them ({@code 200ms}, {@code 1s}). */
    private static List<String> durations(String option, String text) {
        List<String> values = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            if (!part.trim().matches("[0-9]+(ms|s)")) {
                throw new IllegalArgumentException(option + " takes durations like 200ms or 1s, got '" + part + "'");
            }
            values.add(part.trim());
        }
        return List.copyOf(values);
    }
}
