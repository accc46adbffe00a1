package io.tributary.bench;

import static io.tributary.bench.BenchText.progress;
import static io.tributary.bench.BenchText.seconds;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The phases of the joined-documents benchmark that need changes streaming (etl-producer and es-subscriber running):
 * a warm-up round trip, the fan-out of one customer's rename to a tenth of the orders (against exporting and
 * bulk-indexing those documents directly), and steady-state runs of item updates ({@link ItemUpdateLoad}).
 */
final class StreamingPhases {

    private static final String DOCUMENT = DocumentServices.DOCUMENT;
    private static final String DIRECT = JoinedDocumentsBench.DIRECT;
    private static final long FAN_OUT_POLL_MILLIS = 1000;

    private StreamingPhases() {
    }

    /** The subscriber's fan-out: commit until the first and until the last document showed the new name. */
    record FanOut(long documents, Duration first, Duration all, String cpu, IndexingWork work,
                  JoinExport.Figures direct) {
    }

    /** One steady-state run, with the subscriber's own count of documents rebuilt meanwhile. */
    record Steady(ItemUpdateLoad.Figures figures, long rebuilt, String cpu, IndexingWork work) {
    }

    /**
     * One change through the whole pipeline before anything is timed (the customer of order 1 moves city), so that
     * the producer streams, the subscriber consumes and both have done the work once.
     */
    static void warmRoundTrip(DocumentBenchStage stage) throws Exception {
        long customer;
        long orders;
        try (Connection connection = stage.shop().connect(); Statement statement = connection.createStatement()) {
            try (ResultSet result = statement.executeQuery("SELECT customer_id, (SELECT count(*) FROM shop.orders"
                    + " WHERE customer_id = o.customer_id) FROM shop.orders o WHERE id = 1")) {
                result.next();
                customer = result.getLong(1);
                orders = result.getLong(2);
            }
            statement.executeUpdate("UPDATE shop.customers SET city = 'Warm-up' WHERE id = " + customer);
        }
        progress("warm-up round trip: customer " + customer + " moves city (" + orders + " documents, not timed)");
        awaitCount(stage, "customer.city.keyword", "Warm-up", orders, System.nanoTime());
    }

    static FanOut fanOut(DocumentBenchStage stage, ServiceChild subscriber, ServiceChild producer) throws Exception {
        long documents = stage.shop().hotOrders();
        String name = "Customer " + ShopTables.HOT_CUSTOMER + " renamed " + System.currentTimeMillis();
        progress(String.format("fan-out: customer %d (%,d orders) renamed", ShopTables.HOT_CUSTOMER, documents));
        CpuWindow cpu = new CpuWindow(Map.of("subscriber", subscriber.pid(), "producer", producer.pid(),
                "Elasticsearch", stage.elasticsearchPid()), stage.postmasterPid());
        IndexingWork workBefore = stage.elasticsearch().indexingWork();
        long committed;
        try (Connection connection = stage.shop().connect();
             PreparedStatement rename = connection.prepareStatement(
                     "UPDATE shop.customers SET name = ? WHERE id = ?")) {
            rename.setString(1, name);
            rename.setLong(2, ShopTables.HOT_CUSTOMER);
            rename.executeUpdate();
            committed = System.nanoTime();
        }
        long[] seen = awaitCount(stage, "customer.name.keyword", name, documents, committed, cpu);
        String cpuText = cpu.describe();
        IndexingWork work = stage.elasticsearch().indexingWork().minus(workBefore);
        progress(String.format("fan-out: first document after %s, all %,d after %s; CPU %s",
                seconds(Duration.ofNanos(seen[0] - committed)), documents,
                seconds(Duration.ofNanos(seen[1] - committed)), cpuText));
        stage.settle();
        progress("fan-out, direct: those orders exported with the join and bulk-indexed into " + DIRECT);
        JoinExport.Figures direct = stage.export("o.customer_id = " + ShopTables.HOT_CUSTOMER, DIRECT, 2);
        long renamed = stage.elasticsearch().count(List.of(DIRECT), term("customer.name.keyword", name));
        if (renamed != documents) {
            throw new IllegalStateException(DIRECT + " shows the new name in " + renamed + " documents, not "
                    + documents);
        }
        progress(String.format("fan-out, direct: %s, %,.0f documents/s", seconds(direct.took()), direct.rate()));
        return new FanOut(documents, Duration.ofNanos(seen[0] - committed), Duration.ofNanos(seen[1] - committed),
                cpuText, work, direct);
    }

    private static long[] awaitCount(DocumentBenchStage stage, String field, String value, long expected, long since)
            throws Exception {
        return awaitCount(stage, field, value, expected, since, null);
    }

    /**
     * Counts the documents whose {@code field} is {@code value} every {@value #FAN_OUT_POLL_MILLIS} ms until there are
     * {@code expected}; returns when the first and when all were seen ({@link System#nanoTime()}).
     */
    private static long[] awaitCount(DocumentBenchStage stage, String field, String value, long expected, long since,
                                     CpuWindow cpu) throws Exception {
        long deadline = since + stage.options().timeout().toNanos();
        long first = 0;
        while (true) {
            long count = stage.elasticsearch().count(List.of(DOCUMENT), term(field, value));
            long now = System.nanoTime();
            first = first == 0 && count > 0 ? now : first;
            if (count >= expected) {
                return new long[] {first, now};
            }
            if (now > deadline) {
                throw new IllegalStateException(count + " of " + expected + " documents show " + field + " = "
                        + value + " after " + stage.options().timeout().toMinutes() + " min");
            }
            if (cpu != null) {
                cpu.sample();
            }
            Thread.sleep(FAN_OUT_POLL_MILLIS);
        }
    }

    private static String term(String field, String value) {
        ObjectNode query = JsonNodeFactory.instance.objectNode();
        query.putObject("term").put(field, value);
        return query.toString();
    }

    static Steady steady(DocumentBenchStage stage, ItemUpdateLoad load, int rate, ServiceChild subscriber,
                                 ServiceChild producer) throws Exception {
        JoinedDocumentsBenchOptions options = stage.options();
        progress(String.format("steady state: %,d item updates/s in transactions of %d on %d connections for %s,"
                        + " a probe every %d ms", rate, options.updatesPerTransaction(), options.writers(),
                seconds(options.steadyDuration()), options.probeEvery().toMillis()));
        Map<String, Long> pids = new LinkedHashMap<>();
        pids.put("subscriber", subscriber.pid());
        pids.put("producer", producer.pid());
        pids.put("Elasticsearch", stage.elasticsearchPid());
        pids.put("Kafka", stage.kafkaPid());
        CpuWindow cpu = new CpuWindow(pids, stage.postmasterPid());
        String label = "document=\"" + DOCUMENT + "\"";
        IndexingWork workBefore = stage.elasticsearch().indexingWork();
        double rebuiltBefore = MetricsSample.sum(subscriber.metricsText(),
                "tributary_subscriber_documents_rebuilt_total", label);
        ItemUpdateLoad.Figures figures = load.run(new ItemUpdateLoad.Settings(rate, options.updatesPerTransaction(),
                options.writers(), options.steadyDuration(), options.probeEvery(), options.pollEvery()), cpu::sample,
                options.timeout());
        long rebuilt = (long) (MetricsSample.sum(subscriber.metricsText(),
                "tributary_subscriber_documents_rebuilt_total", label) - rebuiltBefore);
        String cpuText = cpu.describe();
        IndexingWork work = stage.elasticsearch().indexingWork().minus(workBefore);
        progress(String.format("steady state at %,d/s: committed %,.0f/s, sustained %,.0f/s; latency p50 %.0f ms,"
                        + " p90 %.0f ms, p99 %.0f ms, max %.0f ms (%d probes); last probe %.0f ms; CPU %s", rate,
                figures.committedRate(), figures.sustainedRate(), figures.latencyMillis(0.5),
                figures.latencyMillis(0.9), figures.latencyMillis(0.99), figures.latencyMillis(1),
                figures.latenciesNanos().length, figures.lastProbeNanos() / 1e6, cpuText));
        return new Steady(figures, rebuilt, cpuText, work);
    }
}
