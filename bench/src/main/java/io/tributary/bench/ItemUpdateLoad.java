package io.tributary.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The steady-state workload of the joined-documents benchmark: order items' {@code qty} updated in small transactions
 * at a fixed rate, while probes measure how long a committed change takes to show in its order's document.
 *
 * <ul>
 *   <li><b>Writers</b> ({@code writers} connections) commit transactions of {@code updatesPerTransaction} updates of
 *       random items of random orders (never a {@linkplain ShopTables#isProbeOrder probe order}), on a fixed
 *       schedule that adds up to {@code updatesPerSecond}; a writer that falls behind its schedule goes on at once,
 *       so the rate it reached is reported too.
 *   <li><b>Probes</b>, one every {@code probeEvery} on a connection of their own: one item of a probe order not used
 *       before gets a value no writer writes ({@code qty = 1000 + n}), committed alone; its commit time is when the
 *       commit returned.
 *   <li><b>The poller</b> sends one real-time {@code _mget} of every probe's order document not yet seen every
 *       {@code pollEvery} and records when the document first shows the probe's value: commit → document latency,
 *       up to one poll late.
 * </ul>
 *
 * After {@code duration} the writers stop, a last probe is committed, and the run waits until every probe shows:
 * the time from the first commit until then is what the subscriber needed for every update, and updates divided by
 * it is the rate it sustained.
 */
final class ItemUpdateLoad {

    /** How the load runs. */
    record Settings(int updatesPerSecond, int updatesPerTransaction, int writers, Duration duration,
                    Duration probeEvery, Duration pollEvery) {
    }

    /**
     * @param updates           item updates the writers committed (probes not included)
     * @param probes            probes committed (the last one included)
     * @param writing           the writers' first commit until the last
     * @param drained           the first commit until the last probe showed
     * @param latenciesNanos    commit → document of each probe but the last, sorted
     * @param lastProbeNanos    commit → document of the last probe (the subscriber's backlog at the end)
     * @param lateTransactions  transactions that started more than 100 ms after their scheduled time
     */
    record Figures(Settings settings, long updates, long probes, Duration writing, Duration drained,
                   long[] latenciesNanos, long lastProbeNanos, long lateTransactions) {

        double committedRate() {
            return (updates + probes) / (writing.toNanos() / 1e9);
        }

        /** Every update (probes too) over the time until the subscriber showed the last of them. */
        double sustainedRate() {
            return (updates + probes) / (drained.toNanos() / 1e9);
        }

        /** The latency at quantile {@code q} (0.5 for the median), in milliseconds. */
        double latencyMillis(double q) {
            if (latenciesNanos.length == 0) {
                return Double.NaN;
            }
            int rank = (int) Math.ceil(q * latenciesNanos.length) - 1;
            return latenciesNanos[Math.max(0, Math.min(latenciesNanos.length - 1, rank))] / 1e6;
        }
    }

    private record Probe(long order, long item, int value, long committedAt) {
    }

    private final ShopTables shop;
    private final ElasticsearchRest elasticsearch;
    private final String alias;
    private final Set<Long> probeOrdersUsed = new HashSet<>();
    private int probesCommitted;

    /** @param alias the document type's alias, whose documents are read */
    ItemUpdateLoad(ShopTables shop, ElasticsearchRest elasticsearch, String alias) {
        this.shop = shop;
        this.elasticsearch = elasticsearch;
        this.alias = alias;
    }

    /**
     * Runs the load once; the probe orders of one run are not used again by a later run of this instance.
     *
     * @param sampler called about once a second while the load runs (for CPU meters)
     * @param timeout how long the last probe may take to show before the run fails
     */
    Figures run(Settings settings, Runnable sampler, Duration timeout) throws Exception {
        Map<Long, Probe> outstanding = new ConcurrentHashMap<>();
        Map<Long, Long> latencies = new ConcurrentHashMap<>(); // by probe order
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong updates = new AtomicLong();
        AtomicLong late = new AtomicLong();
        AtomicLong lastCommit = new AtomicLong();
        ExecutorService threads = Executors.newFixedThreadPool(settings.writers() + 1);
        long start = System.nanoTime();
        long end = start + settings.duration().toNanos();
        try (Connection probes = shop.connect();
             PreparedStatement probe = probes.prepareStatement("UPDATE shop.order_items SET qty = ? WHERE id = ?")) {
            List<Future<Void>> writers = new ArrayList<>();
            double transactionsPerSecond = (double) settings.updatesPerSecond() / settings.updatesPerTransaction();
            long period = Math.round(1e9 * settings.writers() / transactionsPerSecond);
            for (int w = 0; w < settings.writers(); w++) {
                long first = start + Math.round(1e9 * w / transactionsPerSecond);
                writers.add(threads.submit(() -> write(settings, first, period, end, updates, late, lastCommit)));
            }
            Future<Void> poller = threads.submit(() -> poll(settings, outstanding, latencies, writing, sampler));
            long nextProbe = start;
            while (System.nanoTime() < end) {
                LockSupport.parkNanos(nextProbe - System.nanoTime());
                nextProbe += settings.probeEvery().toNanos();
                Probe committed = commitProbe(probe);
                outstanding.put(committed.order(), committed);
                failIfDone(writers, poller);
            }
            for (Future<Void> writer : writers) {
                writer.get(); // throws what failed a writer
            }
            Probe last = commitProbe(probe);
            long lastCommitted = Math.max(lastCommit.get(), last.committedAt());
            outstanding.put(last.order(), last);
            writing.set(false);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!outstanding.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(outstanding.size() + " probes did not show in their documents"
                            + " within " + timeout.toSeconds() + " s of the last commit");
                }
                failIfDone(List.of(), poller);
                Thread.sleep(5);
            }
            poller.get();
            long lastLatency = latencies.remove(last.order());
            long[] sorted = latencies.values().stream().mapToLong(Long::longValue).sorted().toArray();
            return new Figures(settings, updates.get(), probesCommitted, Duration.ofNanos(lastCommitted - start),
                    Duration.ofNanos(last.committedAt() + lastLatency - start), sorted, lastLatency, late.get());
        } finally {
            writing.set(false);
            threads.shutdownNow();
            threads.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    private Probe commitProbe(PreparedStatement probe) throws SQLException {
        SplittableRandom random = new SplittableRandom(probesCommitted * 7919L + 17);
        if (probeOrdersUsed.size() >= shop.orders() / 10) {
            throw new IllegalStateException("every one of the " + shop.orders() / 10 + " probe orders was used:"
                    + " probe less often (--probe-millis) or run fewer steady-state rates at this scale");
        }
        long order;
        do {
            order = 10 * random.nextLong(shop.orders() / 10) + 5;
        } while (!probeOrdersUsed.add(order));
        long item = ShopTables.itemId(order, 0);
        int value = 1000 + probesCommitted;
        probe.setInt(1, value);
        probe.setLong(2, item);
        if (probe.executeUpdate() != 1) {
            throw new IllegalStateException("probe: item " + item + " of order " + order + " does not exist");
        }
        probesCommitted++;
        return new Probe(order, item, value, System.nanoTime());
    }

    /** One writer: transactions at {@code first}, {@code first + period}, … until {@code end}. */
    private Void write(Settings settings, long first, long period, long end, AtomicLong updates, AtomicLong late,
                       AtomicLong lastCommit) throws SQLException {
        SplittableRandom random = new SplittableRandom(first);
        try (Connection connection = shop.connect();
             PreparedStatement update = connection.prepareStatement(
                     "UPDATE shop.order_items SET qty = qty % 9 + 1 WHERE id = ?")) {
            connection.setAutoCommit(false);
            for (long due = first; due < end && !Thread.currentThread().isInterrupted(); due += period) {
                Pacing.awaitDue(due, late);
                for (int i = 0; i < settings.updatesPerTransaction(); i++) {
                    long order = 1 + random.nextLong(shop.orders());
                    order = ShopTables.isProbeOrder(order) ? order + 1 : order;
                    update.setLong(1, ShopTables.itemId(order, random.nextInt(ShopTables.itemsOf(order))));
                    update.addBatch();
                }
                for (int count : update.executeBatch()) {
                    if (count != 1) {
                        throw new IllegalStateException("an item update changed " + count + " rows, not 1");
                    }
                }
                connection.commit();
                lastCommit.accumulateAndGet(System.nanoTime(), Math::max);
                updates.addAndGet(settings.updatesPerTransaction());
            }
        }
        return null;
    }

    /** Polls the outstanding probes' documents until the writers are done and no probe is outstanding. */
    private Void poll(Settings settings, Map<Long, Probe> outstanding, Map<Long, Long> latencies,
                      AtomicBoolean writing, Runnable sampler) throws IOException, InterruptedException {
        long nextSample = System.nanoTime();
        while (writing.get() || !outstanding.isEmpty()) {
            long polled = System.nanoTime();
            if (polled > nextSample) {
                sampler.run();
                nextSample = polled + 1_000_000_000L;
            }
            List<Probe> waiting = new ArrayList<>(outstanding.values());
            if (!waiting.isEmpty()) {
                JsonNode documents = elasticsearch.get(alias, waiting.stream().map(p -> Long.toString(p.order()))
                        .toList(), "items.id,items.qty");
                long answered = System.nanoTime();
                for (int i = 0; i < waiting.size(); i++) {
                    Probe probe = waiting.get(i);
                    if (shows(documents.path(i), probe)) {
                        outstanding.remove(probe.order());
                        latencies.put(probe.order(), answered - probe.committedAt());
                    }
                }
            }
            LockSupport.parkNanos(polled + settings.pollEvery().toNanos() - System.nanoTime());
        }
        return null;
    }

    private static boolean shows(JsonNode document, Probe probe) {
        for (JsonNode item : document.path("_source").path("items")) {
            if (item.path("id").asLong() == probe.item()) {
                return item.path("qty").asInt() == probe.value();
            }
        }
        return false;
    }

    private static void failIfDone(List<Future<Void>> writers, Future<Void> poller)
            throws InterruptedException, ExecutionException {
        for (Future<Void> writer : writers) {
            if (writer.isDone()) {
                writer.get();
            }
        }
        if (poller.isDone()) {
            poller.get();
            throw new IllegalStateException("the poller stopped before the load ended");
        }
    }
}
