package io.tributary.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The joined-documents benchmark's command line, parsed and checked once. A bad option throws naming the option and
 * the value; nothing is silently repaired.
 *
 * @param scale                 of the sizes: 1 = 1,000,000 orders, 3,000,000 items, 100,000 customers, 10,000
 *                              products, a customer with 100,000 orders
 * @param pageSize              the subscriber's {@code tributary.document-rebuild.page-size}
 * @param subscriberJar         the runnable es-subscriber jar, started as a child JVM
 * @param producerJar           the runnable etl-producer jar, started as a child JVM for the fan-out and steady state
 * @param subscriberHeap        the subscriber's {@code -Xmx}
 * @param producerHeap          the producer's {@code -Xmx}
 * @param profiling             whether the subscriber records a JFR profile (summarised for the build, and whole)
 * @param ceilingBatch          documents per {@code _bulk} request of the direct export
 * @param ceilingConcurrency    {@code _bulk} requests of the direct export in flight at once
 * @param steadyRates           item updates per second of each steady-state run, one run per value; empty: none
 * @param steadyDuration        how long each steady-state run writes
 * @param updatesPerTransaction item updates per transaction of the steady state
 * @param writers               connections writing the steady state
 * @param probeEvery            how often a steady-state probe is committed
 * @param pollEvery             how often the probes' documents are read
 * @param fanOut                whether the fan-out (and with it the producer) runs
 * @param timeout               how long one phase may take before the run fails
 * @param outputRoot            where each run's directory (configuration, logs, report) is created
 * @param subscriberSettings    settings added to the subscriber's HOCON configuration
 * @param refreshInterval       {@code index.refresh_interval} of the document index and the direct exports' index
 *                              (an index template); "" for Elasticsearch's default (1s)
 */
record JoinedDocumentsBenchOptions(double scale, int pageSize, Path subscriberJar, Path producerJar,
                                   String subscriberHeap, String producerHeap, BenchOptions.Profiling profiling,
                                   int ceilingBatch, int ceilingConcurrency, List<Integer> steadyRates,
                                   Duration steadyDuration, int updatesPerTransaction, int writers,
                                   Duration probeEvery, Duration pollEvery, boolean fanOut, Duration timeout,
                                   Path outputRoot, List<String> subscriberSettings, String refreshInterval) {

    static final String USAGE = String.join("\n",
            "usage: run-documents-bench.sh [options]",
            "  --scale X                 of the issue's sizes: 1 = 1M orders, 3M items, 100k customers, 10k products,",
            "                            a customer with 100k orders (default 1; 0.1 for a quick run)",
            "  --page-size N             the subscriber's document-rebuild.page-size (default 500, its default)",
            "  --ceiling-batch N         documents per _bulk request of the direct export (default 1000)",
            "  --ceiling-concurrency N   _bulk requests of the direct export in flight (default 2)",
            "  --steady-rates N,...      item updates/s of each steady-state run, 0 for none (default 300,1000,3000)",
            "  --steady-seconds N        how long each steady-state run writes (default 60)",
            "  --updates-per-transaction N  item updates per steady-state transaction (default 2)",
            "  --writers N               connections writing the steady state (default 2)",
            "  --probe-millis N          a latency probe every N ms (default 100)",
            "  --poll-millis N           the probes' documents read every N ms (default 50)",
            "  --no-fan-out              skip the fan-out (with --steady-rates 0: no producer at all)",
            "  --subscriber-heap SIZE    -Xmx of the subscriber child JVM (default 256m)",
            "  --producer-heap SIZE      -Xmx of the producer child JVM (default 256m)",
            "  --subscriber-jar PATH     (default ../es-subscriber/target/es-subscriber.jar)",
            "  --producer-jar PATH       (default ../etl-producer/target/etl-producer.jar)",
            "  --jfr                     record a JFR profile of the subscriber; print the build's hot spots",
            "  --timeout-minutes N       limit for each phase (default 30)",
            "  --output DIR              run directories go here (default target/documents-bench)",
            "  --refresh-interval T      index.refresh_interval of the document and direct indices, e.g. 30s or -1",
            "                            (an index template; default: Elasticsearch's, 1s)",
            "  --set KEY=VALUE           a setting added to the subscriber's HOCON config (repeatable)");

    static JoinedDocumentsBenchOptions parse(String[] args) {
        double scale = 1;
        int pageSize = 500;
        Path subscriberJar = Path.of("../es-subscriber/target/es-subscriber.jar");
        Path producerJar = Path.of("../etl-producer/target/etl-producer.jar");
        String subscriberHeap = "256m";
        String producerHeap = "256m";
        BenchOptions.Profiling profiling = BenchOptions.Profiling.NONE;
        int ceilingBatch = 1000;
        int ceilingConcurrency = 2;
        List<Integer> steadyRates = List.of(300, 1000, 3000);
        long steadySeconds = 60;
        int updatesPerTransaction = 2;
        int writers = 2;
        long probeMillis = 100;
        long pollMillis = 50;
        boolean fanOut = true;
        long timeoutMinutes = 30;
        Path outputRoot = Path.of("target/documents-bench");
        List<String> subscriberSettings = new ArrayList<>();
        String refreshInterval = "";
        List<String> rest = new ArrayList<>(List.of(args));
        while (!rest.isEmpty()) {
            String option = rest.remove(0);
            switch (option) {
                case "--scale" -> scale = scale(option, OptionParsing.value(option, rest));
                case "--page-size" -> pageSize = (int) number(option, rest, 1, 10_000);
                case "--ceiling-batch" -> ceilingBatch = (int) number(option, rest, 1, 100_000);
                case "--ceiling-concurrency" -> ceilingConcurrency = (int) number(option, rest, 1, 16);
                case "--steady-rates" -> steadyRates = rates(option, OptionParsing.value(option, rest));
                case "--steady-seconds" -> steadySeconds = number(option, rest, 1, 3600);
                case "--updates-per-transaction" -> updatesPerTransaction = (int) number(option, rest, 1, 1000);
                case "--writers" -> writers = (int) number(option, rest, 1, 64);
                case "--probe-millis" -> probeMillis = number(option, rest, 1, 60_000);
                case "--poll-millis" -> pollMillis = number(option, rest, 1, 10_000);
                case "--no-fan-out" -> fanOut = false;
                case "--subscriber-heap" -> subscriberHeap = OptionParsing.heapSize(option,
                        OptionParsing.value(option, rest));
                case "--producer-heap" -> producerHeap = OptionParsing.heapSize(option,
                        OptionParsing.value(option, rest));
                case "--subscriber-jar" -> subscriberJar = Path.of(OptionParsing.value(option, rest));
                case "--producer-jar" -> producerJar = Path.of(OptionParsing.value(option, rest));
                case "--jfr" -> profiling = BenchOptions.Profiling.JFR;
                case "--timeout-minutes" -> timeoutMinutes = number(option, rest, 1, 24 * 60);
                case "--output" -> outputRoot = Path.of(OptionParsing.value(option, rest));
                case "--refresh-interval" -> refreshInterval = interval(option, OptionParsing.value(option, rest));
                case "--set" -> subscriberSettings.add(setting(option, OptionParsing.value(option, rest)));
                default -> throw new IllegalArgumentException("unknown option '" + option + "'");
            }
        }
        OptionParsing.requireJar("--subscriber-jar", subscriberJar, "es-subscriber");
        if (fanOut || !steadyRates.isEmpty()) {
            OptionParsing.requireJar("--producer-jar", producerJar, "etl-producer");
        }
        return new JoinedDocumentsBenchOptions(scale, pageSize, subscriberJar.toAbsolutePath().normalize(),
                producerJar.toAbsolutePath().normalize(), subscriberHeap, producerHeap, profiling, ceilingBatch,
                ceilingConcurrency, steadyRates, Duration.ofSeconds(steadySeconds), updatesPerTransaction, writers,
                Duration.ofMillis(probeMillis), Duration.ofMillis(pollMillis), fanOut,
                Duration.ofMinutes(timeoutMinutes), outputRoot.toAbsolutePath().normalize(),
                List.copyOf(subscriberSettings), refreshInterval);
    }

    /** Whether a producer streams changes: the fan-out or a steady-state run needs it. */
    boolean needsProducer() {
        return fanOut || !steadyRates.isEmpty();
    }

    private static long number(String option, List<String> rest, long min, long max) {
        return OptionParsing.number(option, OptionParsing.value(option, rest), min, max);
    }

    private static double scale(String option, String text) {
        double value;
        try {
            value = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a number such as 0.1, got '" + text + "'", e);
        }
        if (!(value >= 0.001 && value <= 10)) {
            throw new IllegalArgumentException(option + " must be between 0.001 and 10, got " + text);
        }
        return value;
    }

    /** An Elasticsearch time value such as {@code 30s} or {@code 500ms}, or {@code -1} (never). */
    private static String interval(String option, String text) {
        if (!text.matches("-1|[1-9][0-9]*(ms|s|m)")) {
            throw new IllegalArgumentException(option + " must look like 30s, 500ms, 1m or -1, got '" + text + "'");
        }
        return text;
    }

    /** Comma-separated rates from 1 to 100,000 updates/s, or {@code 0} alone for none. */
    private static List<Integer> rates(String option, String text) {
        if (text.equals("0")) {
            return List.of();
        }
        List<Integer> rates = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            rates.add((int) OptionParsing.number(option, part.trim(), 1, 100_000));
        }
        return List.copyOf(rates);
    }

    /** {@code key=value} with a {@code tributary.} key. */
    private static String setting(String option, String text) {
        if (text.indexOf('=') < 1 || !text.startsWith("tributary.")) {
            throw new IllegalArgumentException(option + ": expected tributary.<key>=<value>, got '" + text + "'");
        }
        return text;
    }
}
