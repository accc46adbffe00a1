package io.tributary.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The ceiling of a joined-document build: the join as <b>one SQL query</b> that produces each order's whole document
 * ({@code json_build_object} and {@code json_agg} over the same join as the subscriber's {@code orders} type, with
 * the values in the subscriber's JSON forms: numerics as strings, {@code timestamptz} as ISO-8601 in UTC), read with
 * a cursor and bulk-indexed directly: the reading thread turns rows into {@code _bulk} bodies while
 * {@code concurrency} threads send them. The documents get the same ids as the subscriber's and an external version,
 * so Elasticsearch does the same work per document. Timed from the query's start until the last answer.
 */
final class JoinExport {

    /** Each order's document, as the subscriber's {@code orders} type builds it. */
    static final String DOCUMENTS = """
            SELECT o.id, json_build_object('id', o.id, 'customer_id', o.customer_id, 'status', o.status,
              'total', o.total::text, 'created_at', to_char(o.created_at, 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
              'attributes', o.attributes, 'labels', o.labels,
              'customer', (SELECT json_build_object('id', c.id, 'name', c.name, 'email', c.email, 'city', c.city)
                           FROM shop.customers c WHERE c.id = o.customer_id),
              'items', coalesce((SELECT json_agg(json_build_object('id', i.id, 'order_id', i.order_id, 'sku', i.sku,
                                   'qty', i.qty, 'price', i.price::text,
                                   'product', (SELECT json_build_object('sku', p.sku, 'title', p.title,
                                                                        'category', p.category)
                                               FROM shop.products p WHERE p.sku = i.sku)) ORDER BY i.id)
                                 FROM shop.order_items i WHERE i.order_id = o.id), '[]'))::text
            FROM shop.orders o""";
    private static final int FETCH_SIZE = 1000;

    private JoinExport() {
    }

    /**
     * Which orders, where to, and how.
     *
     * @param where       "" for every order, else a condition on {@code o} (e.g. {@code o.customer_id = 1})
     * @param index       the index written; null to read only (the query's own time, nothing indexed)
     * @param version     the external version every document is written at
     * @param batchSize   documents per {@code _bulk} request
     * @param concurrency requests in flight at once
     */
    record Target(String where, String index, long version, int batchSize, int concurrency) {
    }

    /**
     * @param documents      documents read (and indexed)
     * @param took           the query's start until the last answer
     * @param postgresCpu    CPU seconds of the postmaster and its processes
     * @param elasticsearchCpu CPU seconds of Elasticsearch
     * @param harnessCpu     CPU seconds of this JVM (reading rows, making bodies)
     * @param machineCpu     CPU seconds of the whole machine
     * @param elasticsearchWork what Elasticsearch did meanwhile ({@link IndexingWork}), until the last answer
     */
    record Figures(long documents, Duration took, double postgresCpu, double elasticsearchCpu, double harnessCpu,
                   double machineCpu, IndexingWork elasticsearchWork) {
        double rate() {
            return documents / (took.toNanos() / 1e9);
        }
    }

    static Figures run(ShopTables shop, Target target, ElasticsearchRest elasticsearch, long postmasterPid,
                       long elasticsearchPid, Duration timeout)
            throws SQLException, IOException, InterruptedException, TimeoutException {
        ServerCpuMeter postgresCpu = new ServerCpuMeter(postmasterPid);
        long elasticsearchTicks = CpuMeter.processTicks(elasticsearchPid);
        long harnessTicks = CpuMeter.processTicks(ProcessHandle.current().pid());
        long machineTicks = CpuMeter.machineBusyTicks();
        IndexingWork workBefore = elasticsearch.indexingWork();
        long started = System.nanoTime();
        long deadline = started + timeout.toNanos();
        BlockingQueue<byte[]> bodies = new ArrayBlockingQueue<>(2 * target.concurrency());
        ExecutorService senders = Executors.newFixedThreadPool(target.concurrency());
        List<Future<Void>> sending = new ArrayList<>();
        long documents = 0;
        try (Connection connection = shop.connect()) {
            if (target.index() != null) {
                for (int i = 0; i < target.concurrency(); i++) {
                    sending.add(senders.submit(() -> send(bodies, elasticsearch)));
                }
            }
            connection.setAutoCommit(false); // a cursor: rows arrive FETCH_SIZE at a time
            try (Statement session = connection.createStatement()) {
                session.execute("SET TimeZone = 'UTC'");
            }
            String sql = DOCUMENTS + (target.where().isEmpty() ? "" : " WHERE " + target.where()) + " ORDER BY o.id";
            try (PreparedStatement query = connection.prepareStatement(sql)) {
                query.setFetchSize(FETCH_SIZE);
                try (ResultSet rows = query.executeQuery()) {
                    ByteArrayOutputStream body = new ByteArrayOutputStream(1 << 20);
                    int inBody = 0;
                    while (rows.next()) {
                        documents++;
                        if (target.index() == null) {
                            rows.getString(2);
                            continue;
                        }
                        body.write(("{\"index\":{\"_index\":\"" + target.index() + "\",\"_id\":\"" + rows.getLong(1)
                                + "\",\"version\":" + target.version() + ",\"version_type\":\"external\"}}\n")
                                .getBytes(StandardCharsets.UTF_8));
                        body.write(rows.getString(2).getBytes(StandardCharsets.UTF_8));
                        body.write('\n');
                        if (++inBody == target.batchSize()) {
                            hand(bodies, body.toByteArray(), sending, deadline);
                            body.reset();
                            inBody = 0;
                        }
                        if ((documents & 0xFFF) == 0) {
                            postgresCpu.sample();
                        }
                    }
                    if (inBody > 0) {
                        hand(bodies, body.toByteArray(), sending, deadline);
                    }
                }
            }
            connection.rollback();
            for (int i = 0; i < sending.size(); i++) {
                hand(bodies, new byte[0], sending, deadline); // one end mark per sender
            }
            for (Future<Void> sender : sending) {
                try {
                    sender.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (ExecutionException e) {
                    throw new IOException("bulk-indexing the export into " + target.index() + " failed: "
                            + e.getCause().getMessage(), e.getCause());
                }
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            IndexingWork work = elasticsearch.indexingWork().minus(workBefore);
            postgresCpu.sample();
            return new Figures(documents, took, postgresCpu.seconds(),
                    (CpuMeter.processTicks(elasticsearchPid) - elasticsearchTicks) / CpuMeter.TICKS_PER_SECOND,
                    (CpuMeter.processTicks(ProcessHandle.current().pid()) - harnessTicks) / CpuMeter.TICKS_PER_SECOND,
                    (CpuMeter.machineBusyTicks() - machineTicks) / CpuMeter.TICKS_PER_SECOND, work);
        } finally {
            senders.shutdownNow();
        }
    }

    /** Queues a body for the senders; fails when a sender failed or the deadline passed. */
    private static void hand(BlockingQueue<byte[]> bodies, byte[] body, List<Future<Void>> sending, long deadline)
            throws InterruptedException, IOException, TimeoutException {
        while (!bodies.offer(body, 100, TimeUnit.MILLISECONDS)) {
            for (Future<Void> sender : sending) {
                if (sender.isDone()) {
                    try {
                        sender.get();
                    } catch (ExecutionException e) {
                        throw new IOException("bulk-indexing the export failed: " + e.getCause().getMessage(),
                                e.getCause());
                    }
                }
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("the export did not finish in time");
            }
        }
    }

    /** Sends bodies until an empty one (the end mark). */
    private static Void send(BlockingQueue<byte[]> bodies, ElasticsearchRest elasticsearch)
            throws IOException, InterruptedException {
        for (byte[] body = bodies.take(); body.length > 0; body = bodies.take()) {
            elasticsearch.bulk(body);
        }
        return null;
    }
}
