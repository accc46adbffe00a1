package io.tributary.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.bench.LatencyProbes.Probe;
import io.tributary.bench.LatencyProbes.Stage;
import io.tributary.model.TableId;
import io.tributary.model.TablePartitioner;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
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
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The latency benchmark's load on schema {@value #SCHEMA}: a steady background of small transactions updating
 * {@code latency.items} (jsonb, text[], numeric, timestamptz columns), and a probe row inserted into
 * {@code latency.probes} every {@code probeEvery}, committed alone; its commit time is when the commit returned.
 * For every probe three pollers record when it is
 * <ul>
 *   <li><b>acknowledged</b>: readable in Kafka (a consumer of the probe table's partition sees its key; the producer
 *       sends with {@code acks=all}, so readable means acknowledged),
 *   <li><b>applied</b>: found by a real-time {@code _mget} of its document (polled every {@code pollEvery}),
 *   <li><b>searchable</b>: found by a {@code _search} of its id without a refresh (polled every {@code pollEvery}).
 * </ul>
 * Each is up to one poll late. Probes committed during the warm-up are not counted. Not thread-safe; one run at a
 * time.
 */
final class LatencyLoad {

    static final String SCHEMA = "latency";
    static final String PUBLICATION = "latency";
    static final List<String> TABLES = List.of("latency.items", "latency.probes");
    /** The subscriber's aliases for the tables' documents. */
    private static final String PROBE_INDEX = "latency.probes";
    private static final String ITEM_INDEX = "latency.items";
    private static final int ITEMS = 20_000;

    /** How one phase's load runs. */
    record Settings(int changesPerSecond, int changesPerTransaction, int writers, Duration warmUp,
                    Duration measured, Duration probeEvery, Duration pollEvery) {
    }

    /**
     * @param changes          background changes committed (probes not included)
     * @param writing          the first background commit until the last
     * @param lateTransactions background transactions that started more than 100 ms after their scheduled time
     * @param acknowledged     commit → readable in Kafka of each counted probe, nanoseconds, sorted
     * @param applied          commit → found by a real-time GET, sorted
     * @param searchable       commit → found by a search without refresh, sorted
     */
    record Figures(Settings settings, long changes, Duration writing, long lateTransactions, long[] acknowledged,
                   long[] applied, long[] searchable) {

        double committedRate() {
            return changes / (writing.toNanos() / 1e9);
        }

        /** The quantile {@code q} (1 for the maximum) of {@code sortedNanos} in milliseconds; NaN when empty. */
        static double millis(long[] sortedNanos, double q) {
            if (sortedNanos.length == 0) {
                return Double.NaN;
            }
            int rank = (int) Math.ceil(q * sortedNanos.length) - 1;
            return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, rank))] / 1e6;
        }
    }

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final ElasticsearchRest elasticsearch;
    private final String bootstrapServers;
    private final TopicPartition probePartition;
    private long nextProbeId = 1;

    LatencyLoad(String jdbcUrl, String user, String password, ElasticsearchRest elasticsearch,
                String bootstrapServers, String topic, int partitions) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.elasticsearch = elasticsearch;
        this.bootstrapServers = bootstrapServers;
        // The producer routes each table to one partition by default.
        this.probePartition = new TopicPartition(topic,
                TablePartitioner.partitionFor(TableId.parse("latency.probes"), partitions));
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, user, password);
    }

    /** Creates and seeds the tables and the publication; nothing here is streamed (no slot exists yet). */
    void createSchema() throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + SCHEMA);
            statement.execute("CREATE TABLE latency.items (id bigint PRIMARY KEY, name text NOT NULL,"
                    + " attributes jsonb NOT NULL, tags text[] NOT NULL, price numeric(12,2) NOT NULL,"
                    + " stock int NOT NULL, updated_at timestamptz NOT NULL)");
            statement.execute("CREATE TABLE latency.probes (id bigint PRIMARY KEY, phase text NOT NULL,"
                    + " inserted_at timestamptz NOT NULL DEFAULT clock_timestamp())");
            statement.execute("INSERT INTO latency.items SELECT g, 'item ' || g, jsonb_build_object('color',"
                    + " 'c' || g % 7, 'size', g % 5, 'version', 0), ARRAY['color:' || g % 7, 'size:' || g % 5],"
                    + " g % 1000 + 0.99, 0, now() FROM generate_series(1, " + ITEMS + ") g");
            statement.execute("CREATE PUBLICATION " + PUBLICATION + " FOR TABLE " + String.join(", ", TABLES));
        }
    }

    /**
     * Inserts one probe (not counted) and updates item 1 in one transaction, and waits until real-time GETs find both
     * documents: the services stream, the subscriber owns its partitions and both indices exist, so that a phase
     * times neither the services' start nor the creation of an index.
     */
    Duration awaitRoundTrip(String phase, Duration timeout) throws Exception {
        long id = nextProbeId++;
        try (Connection connection = connect();
             PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO latency.probes (id, phase) VALUES (?, ?)");
             Statement update = connection.createStatement()) {
            connection.setAutoCommit(false);
            insert.setLong(1, id);
            insert.setString(2, phase + " round trip");
            insert.executeUpdate();
            update.executeUpdate("UPDATE latency.items SET updated_at = clock_timestamp() WHERE id = 1");
            connection.commit();
        }
        long committed = System.nanoTime();
        while (true) {
            try {
                if (!found(PROBE_INDEX, List.of(Long.toString(id))).isEmpty()
                        && !found(ITEM_INDEX, List.of("1")).isEmpty()) {
                    return Duration.ofNanos(System.nanoTime() - committed);
                }
            } catch (IOException e) {
                if (!LatencyProbes.notCreatedYet(e)) {
                    throw e;
                }
            }
            if (System.nanoTime() - committed > timeout.toNanos()) {
                throw new IllegalStateException("probe " + id + " and item 1 did not reach Elasticsearch within "
                        + timeout.toSeconds() + " s of their commit: the services do not stream");
            }
            Thread.sleep(50);
        }
    }

    /** What a phase tells its caller about the measured time. */
    interface Measured {
        /** The warm-up is over; the next probe is counted. */
        void started();

        /** Called at each probe, every {@code --probe-every}, warm-up included. */
        void sample();

        /** The load ended (the probes may still be on their way). */
        void ended();
    }

    /**
     * Runs one phase: background load and probes for the warm-up plus the measured time, then waits until every probe
     * was seen by all three pollers.
     *
     * @param phase     stored with each probe row, for reading the tables afterwards
     * @param timeout   how long the last probe may take to be seen everywhere before the run fails
     * @param measured  told when the warm-up is over (before the first counted probe), at each probe, and when the load
     *                  ends
     */
    Figures run(Settings settings, String phase, Duration timeout, Measured measured) throws Exception {
        Map<Long, Probe> probes = new ConcurrentHashMap<>();
        AtomicBoolean probing = new AtomicBoolean(true);
        AtomicLong changes = new AtomicLong();
        AtomicLong late = new AtomicLong();
        AtomicLong firstCommit = new AtomicLong(Long.MAX_VALUE);
        AtomicLong lastCommit = new AtomicLong();
        KafkaConsumer<byte[], byte[]> consumer = probeConsumer();
        long firstProbeOfRun = nextProbeId;
        ExecutorService threads = Executors.newFixedThreadPool(settings.writers() + 3);
        long start = System.nanoTime();
        long countFrom = start + settings.warmUp().toNanos();
        long end = countFrom + settings.measured().toNanos();
        try (Connection connection = connect(); PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO latency.probes (id, phase) VALUES (?, ?)")) {
            List<Future<Void>> workers = new ArrayList<>();
            double transactionsPerSecond = (double) settings.changesPerSecond() / settings.changesPerTransaction();
            long period = Math.round(1e9 * settings.writers() / transactionsPerSecond);
            for (int w = 0; w < settings.writers(); w++) {
                long first = start + Math.round(1e9 * w / transactionsPerSecond);
                workers.add(threads.submit(() -> write(settings, first, period, end, changes, late, firstCommit,
                        lastCommit)));
            }
            List<Future<Void>> pollers = List.of(
                    threads.submit(() -> LatencyProbes.readKafka(consumer, probes, probing, firstProbeOfRun)),
                    threads.submit(() -> LatencyProbes.pollElasticsearch(settings.pollEvery(), probes, probing, Stage.APPLIED,
                            this::applied)),
                    threads.submit(() -> LatencyProbes.pollElasticsearch(settings.pollEvery(), probes, probing, Stage.SEARCHABLE,
                            this::searchable)));
            long nextProbe = start;
            boolean warm = false;
            while (System.nanoTime() < end) {
                LockSupport.parkNanos(nextProbe - System.nanoTime());
                if (!warm && System.nanoTime() >= countFrom) {
                    measured.started();
                    warm = true;
                }
                measured.sample();
                nextProbe += settings.probeEvery().toNanos();
                long id = nextProbeId++;
                insert.setLong(1, id);
                insert.setString(2, phase);
                insert.executeUpdate();
                long committed = System.nanoTime();
                probes.put(id, new Probe(id, committed, committed >= countFrom));
                failIfAnyEnded(workers, pollers, false);
            }
            for (Future<Void> writer : workers) {
                writer.get(); // throws what failed a writer
            }
            measured.ended();
            probing.set(false);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!probes.values().stream().allMatch(Probe::seenEverywhere)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(probes.values().stream().filter(p -> !p.seenEverywhere()).count()
                            + " of " + probes.size() + " probes were not seen in Kafka, by GET and by search within "
                            + timeout.toSeconds() + " s of the last one");
                }
                failIfAnyEnded(List.of(), pollers, true); // a poller that saw every probe is done
                Thread.sleep(5);
            }
            for (Future<Void> poller : pollers) {
                poller.get();
            }
            List<Probe> counted = probes.values().stream().filter(p -> p.counted).toList();
            return new Figures(settings, changes.get(), Duration.ofNanos(lastCommit.get() - firstCommit.get()),
                    late.get(), latencies(counted, Stage.ACKNOWLEDGED), latencies(counted, Stage.APPLIED),
                    latencies(counted, Stage.SEARCHABLE));
        } finally {
            probing.set(false);
            threads.shutdownNow();
            threads.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    private static long[] latencies(List<Probe> probes, Stage stage) {
        long[] nanos = probes.stream().mapToLong(p -> p.seenAt(stage) - p.committedAt).toArray();
        Arrays.sort(nanos);
        return nanos;
    }

    /** A consumer of the probe table's partition, positioned at its end before the first probe commits. */
    private KafkaConsumer<byte[], byte[]> probeConsumer() {
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5));
        consumer.assign(List.of(probePartition));
        consumer.seekToEnd(List.of(probePartition));
        consumer.position(probePartition);
        return consumer;
    }

    /** One writer: transactions at {@code first}, {@code first + period}, … until {@code end}. */
    private Void write(Settings settings, long first, long period, long end, AtomicLong changes, AtomicLong late,
                       AtomicLong firstCommit, AtomicLong lastCommit) throws SQLException {
        SplittableRandom random = new SplittableRandom(first);
        try (Connection connection = connect(); PreparedStatement update = connection.prepareStatement(
                "UPDATE latency.items SET price = price + 0.01, stock = stock + 1,"
                        + " attributes = jsonb_set(attributes, '{version}', to_jsonb(stock + 1)),"
                        + " tags = ARRAY['color:' || (stock % 7), 'size:' || (stock % 5), 'v' || (stock + 1)],"
                        + " updated_at = clock_timestamp() WHERE id = ?")) {
            connection.setAutoCommit(false);
            long[] ids = new long[settings.changesPerTransaction()];
            for (long due = first; due < end && !Thread.currentThread().isInterrupted(); due += period) {
                Pacing.awaitDue(due, late);
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = 1 + random.nextLong(ITEMS);
                }
                Arrays.sort(ids); // one lock order for every writer: no deadlocks
                for (long id : ids) {
                    update.setLong(1, id);
                    update.addBatch();
                }
                update.executeBatch();
                connection.commit();
                long committed = System.nanoTime();
                firstCommit.accumulateAndGet(committed, Math::min);
                lastCommit.accumulateAndGet(committed, Math::max);
                changes.addAndGet(ids.length);
            }
        }
        return null;
    }

    private List<String> applied(List<String> ids) throws IOException, InterruptedException {
        return found(PROBE_INDEX, ids);
    }

    /** Which of {@code ids} a real-time {@code _mget} of {@code index} finds. */
    private List<String> found(String index, List<String> ids) throws IOException, InterruptedException {
        JsonNode documents = elasticsearch.get(index, ids, "id");
        List<String> found = new ArrayList<>();
        for (JsonNode document : documents) {
            if (document.path("found").asBoolean()) {
                found.add(document.path("_id").asText());
            }
        }
        return found;
    }

    private List<String> searchable(List<String> ids) throws IOException, InterruptedException {
        return elasticsearch.searchIds(PROBE_INDEX, ids);
    }

    /** Throws what failed a writer or a poller, or when a poller ended early ({@code pollersMayEnd} false). */
    private static void failIfAnyEnded(List<Future<Void>> writers, List<Future<Void>> pollers, boolean pollersMayEnd)
            throws InterruptedException, ExecutionException {
        for (Future<Void> writer : writers) {
            if (writer.isDone()) {
                writer.get();
            }
        }
        for (Future<Void> poller : pollers) {
            if (poller.isDone()) {
                poller.get();
                if (!pollersMayEnd) {
                    throw new IllegalStateException("a poller stopped before the probes ended");
                }
            }
        }
    }
}
