package io.tributary.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The subscriber benchmark's command line, parsed and checked once. A bad option throws naming the option and the
 * value; nothing is silently repaired.
 *
 * @param events             change events written to the topic before anything drains it
 * @param tables             tables the events are spread over (one index each)
 * @param partitions         the topic's partitions; each table's events go to one of them, as the producer routes
 * @param maxPollRecords     {@code tributary.kafka.max-poll-records} of each subscriber run, one run per value
 * @param subscriberJar      the runnable es-subscriber jar, started as a child JVM
 * @param compareJar         another es-subscriber jar (a build of an earlier commit), run right after
 *                           {@code subscriberJar} with each max-poll-records value, so both meet the same machine
 * @param subscriberHeap     the child's {@code -Xmx}, e.g. {@code 256m}
 * @param profiling          whether each subscriber child records a JFR profile (then summarised)
 * @param ceilingBatchSizes  documents per {@code _bulk} request of the direct-indexing runs
 * @param ceilingConcurrency concurrent {@code _bulk} requests of the direct-indexing runs
 * @param timeout            how long one subscriber run or one direct-indexing run may take before the run fails
 * @param outputRoot         where each run's directory (configuration, logs, report) is created
 * @param subscriberSettings extra {@code tributary.*} settings of each subscriber run ({@code --set})
 * @param pin                whether Elasticsearch runs on one CPU and everything else on another ({@link CpuPinning})
 */
record SubscriberBenchOptions(long events, int tables, int partitions, List<Integer> maxPollRecords,
                              Path subscriberJar, Optional<Path> compareJar, String subscriberHeap, BenchOptions.Profiling profiling,
                              List<Integer> ceilingBatchSizes, List<Integer> ceilingConcurrency, Duration timeout,
                              Path outputRoot, List<String> subscriberSettings, CpuPinning.Request pin) {

    static final String USAGE = String.join("\n",
            "usage: run-subscriber-bench.sh [options]",
            "  --events N                change events in the topic (default 500000)",
            "  --tables N                tables (= indices) they are spread over (default 3)",
            "  --partitions N            topic partitions; each table's events go to one (default 12)",
            "  --max-poll-records N,...  subscriber runs, one per value (default 2000, the subscriber's default)",
            "  --subscriber-heap SIZE    -Xmx of the subscriber child JVM (default 256m)",
            "  --subscriber-jar PATH     runnable subscriber jar (default ../es-subscriber/target/es-subscriber.jar)",
            "  --compare-jar PATH        another subscriber jar (e.g. built from an earlier commit), run beside each",
            "                            run of --subscriber-jar with the same settings, in the order A B, B A, ...",
            "  --ceiling-batches N,...   documents per direct _bulk request (default 500,1000,2000,5000)",
            "  --ceiling-concurrency N,...  concurrent direct _bulk requests (default 1,2)",
            "  --timeout-minutes N       limit for each subscriber run and each direct-indexing run (default 30)",
            "  --jfr                     record a JFR profile of each subscriber run and print its hot spots",
            "  --pin                     Elasticsearch on one CPU, Kafka, the subscriber and the direct bulk client",
            "                            on another (taskset, util-linux); the default on two or more CPUs",
            "  --no-pin                  every process on every CPU",
            "  --output DIR              run directories go here (default target/subscriber-bench)",
            "  --set KEY=VALUE           a setting added to each subscriber run's HOCON config (repeatable), e.g.",
            "                            --set tributary.elasticsearch.bulk.concurrency=1");

    static SubscriberBenchOptions parse(String[] args) {
        long events = 500_000;
        int tables = 3;
        int partitions = 12;
        List<Integer> maxPollRecords = List.of(2000);
        Path subscriberJar = Path.of("../es-subscriber/target/es-subscriber.jar");
        Optional<Path> compareJar = Optional.empty();
        String subscriberHeap = "256m";
        BenchOptions.Profiling profiling = BenchOptions.Profiling.NONE;
        List<Integer> ceilingBatchSizes = List.of(500, 1000, 2000, 5000);
        List<Integer> ceilingConcurrency = List.of(1, 2);
        long timeoutMinutes = 30;
        Path outputRoot = Path.of("target/subscriber-bench");
        List<String> subscriberSettings = new ArrayList<>();
        CpuPinning.Request pin = CpuPinning.Request.AUTO;
        List<String> rest = new ArrayList<>(List.of(args));
        while (!rest.isEmpty()) {
            String option = rest.remove(0);
            switch (option) {
                case "--events" -> events = OptionParsing.number(option, OptionParsing.value(option, rest), 1,
                        100_000_000L);
                case "--tables" -> tables = (int) OptionParsing.number(option, OptionParsing.value(option, rest), 1, 100);
                case "--partitions" -> partitions = (int) OptionParsing.number(option, OptionParsing.value(option, rest),
                        1, 10_000);
                case "--max-poll-records" -> maxPollRecords = numbers(option, OptionParsing.value(option, rest),
                        100_000);
                case "--subscriber-jar" -> subscriberJar = Path.of(OptionParsing.value(option, rest));
                case "--compare-jar" -> compareJar = Optional.of(Path.of(OptionParsing.value(option, rest)));
                case "--subscriber-heap" -> subscriberHeap = OptionParsing.heapSize(option,
                        OptionParsing.value(option, rest));
                case "--ceiling-batches" -> ceilingBatchSizes = numbers(option, OptionParsing.value(option, rest),
                        100_000);
                case "--ceiling-concurrency" -> ceilingConcurrency = numbers(option, OptionParsing.value(option, rest),
                        16);
                case "--timeout-minutes" -> timeoutMinutes = OptionParsing.number(option,
                        OptionParsing.value(option, rest), 1, 24 * 60);
                case "--jfr" -> profiling = BenchOptions.Profiling.JFR;
                case "--pin" -> pin = CpuPinning.Request.ON;
                case "--no-pin" -> pin = CpuPinning.Request.OFF;
                case "--output" -> outputRoot = Path.of(OptionParsing.value(option, rest));
                case "--set" -> subscriberSettings.add(setting(option, OptionParsing.value(option, rest)));
                default -> throw new IllegalArgumentException("unknown option '" + option + "'");
            }
        }
        if (!Files.isRegularFile(subscriberJar)) {
            throw new IllegalArgumentException("--subscriber-jar: " + subscriberJar.toAbsolutePath()
                    + " does not exist (build it: mvn -B package -DskipTests -pl es-subscriber -am)");
        }
        if (compareJar.isPresent() && !Files.isRegularFile(compareJar.get())) {
            throw new IllegalArgumentException("--compare-jar: " + compareJar.get().toAbsolutePath()
                    + " does not exist");
        }
        return new SubscriberBenchOptions(events, tables, partitions, maxPollRecords,
                subscriberJar.toAbsolutePath().normalize(), compareJar.map(jar -> jar.toAbsolutePath().normalize()),
                subscriberHeap, profiling, ceilingBatchSizes,
                ceilingConcurrency, Duration.ofMinutes(timeoutMinutes), outputRoot.toAbsolutePath().normalize(),
                List.copyOf(subscriberSettings), pin);
    }

    /** {@code key=value} with a {@code tributary.} key. */
    private static String setting(String option, String text) {
        int equals = text.indexOf('=');
        if (equals < 1 || !text.startsWith("tributary.")) {
            throw new IllegalArgumentException(option + ": expected tributary.<key>=<value>, got '" + text + "'");
        }
        return text;
    }

    /** A comma-separated list of whole numbers from 1 to {@code max}. */
    private static List<Integer> numbers(String option, String text, long max) {
        List<Integer> values = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            values.add((int) OptionParsing.number(option, part.trim(), 1, max));
        }
        return List.copyOf(values);
    }
}
