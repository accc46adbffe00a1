package io.tributary.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.model.ChangeEvent;
import io.tributary.model.ChangeEventJson;
import io.tributary.model.Lsn;
import io.tributary.model.Operation;
import io.tributary.model.Routing;
import io.tributary.model.SourceInfo;
import io.tributary.model.TableId;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The subscriber benchmark's workload: change events as etl-producer writes them, put straight into a Kafka topic,
 * and the documents they leave in Elasticsearch.
 *
 * <p>{@link #produce} writes the events of tables {@code bench.orders_1} … {@code bench.orders_<n>} (eleven columns:
 * numbers, text, a numeric as an exact string, timestamps, a boolean, and the column types), in transactions of one
 * to eight changes with increasing LSNs: about 80 % inserts, 15 % updates of a random live row (the whole row, as
 * pgoutput sends it without TOASTed columns) and 5 % deletes, each table's events to its partition as the producer
 * routes them. The sequence is fixed by a seed, and a row's content is a function of its table, id and how often
 * it was updated, so the final state of every row is known without keeping the rows: {@link #writeFinalDocuments}
 * writes them as {@code _bulk} lines with the same index names, ids and external versions the subscriber uses, and
 * {@link #writeOperations} the subscriber's writes for every event.
 *
 * <p>Not thread-safe.
 */
final class ChangeEventWorkload {

    static final String SCHEMA = "bench";
    static final String DATABASE = "app";
    private static final ObjectMapper JSON = ChangeEventJson.mapper();
    private static final long SEED = 20261122L;
    private static final Instant EPOCH = Instant.parse("2026-11-22T06:00:00Z");
    /** WAL bytes between two changes; a transaction's commit record follows its last change. */
    private static final long CHANGE_BYTES = 184;
    private static final String[] STATUSES = {"pending", "paid", "packed", "shipped", "delivered", "returned"};
    private static final String[] WORDS = ("please leave the parcel at the back door ring twice gift wrap no invoice"
            + " fragile handle with care deliver after six call before arrival second floor left entrance").split(" ");
    /** Each column's PostgreSQL type, in column order, as the producer sends them. */
    private static final Map<String, String> TYPES = types();

    private final int tables;
    private final long events;
    private final Rows[] rows;
    private long inserts;
    private long updates;
    private long deletes;

    /** The last state of each id of one table: its version (the last change's LSN; 0 = no row) and its revision. */
    private static final class Rows {
        long[] versions = new long[1024];
        int[] revisions = new int[1024];
        int maxId;

        int insert(long lsn) {
            maxId++;
            if (maxId == versions.length) {
                versions = Arrays.copyOf(versions, versions.length * 2);
                revisions = Arrays.copyOf(revisions, revisions.length * 2);
            }
            versions[maxId] = lsn;
            return maxId;
        }
    }

    /** What {@link #produce} wrote. */
    record Produced(long inserts, long updates, long deletes, long bytes, Duration took) {
        long events() {
            return inserts + updates + deletes;
        }
    }

    ChangeEventWorkload(long events, int tables) {
        this.events = events;
        this.tables = tables;
        this.rows = new Rows[tables];
        for (int i = 0; i < tables; i++) {
            rows[i] = new Rows();
        }
    }

    /** The index of each table: {@code <schema>.<table>} in lower case, as the subscriber names them. */
    List<String> indices() {
        List<String> names = new ArrayList<>();
        for (int table = 0; table < tables; table++) {
            names.add(tableId(table).toString());
        }
        return names;
    }

    /** Distinct partitions the tables' events go to. */
    long partitionsInUse(int partitions) {
        Routing routing = Routing.byTable("unused", partitions);
        return indices().stream().map(TableId::parse).mapToInt(routing::partitionFor).distinct().count();
    }

    /** Rows that exist after every event: the documents Elasticsearch must hold at the end. */
    long finalRows() {
        long count = 0;
        for (Rows table : rows) {
            for (int id = 1; id <= table.maxId; id++) {
                count += table.versions[id] != 0 ? 1 : 0;
            }
        }
        return count;
    }

    /**
     * Writes every event to {@code topic} with an idempotent producer configured as etl-producer's ({@code acks=all},
     * lz4, 256 KiB batches), each table's events to the partition {@link Routing#byTable} gives it. Returns once
     * Kafka acknowledged all of them. Call once.
     *
     * @throws IllegalStateException when Kafka refused an event
     */
    Produced produce(String bootstrapServers, String topic, int partitions) {
        Routing routing = Routing.byTable(topic, partitions);
        AtomicReference<Exception> failure = new AtomicReference<>();
        long[] bytes = {0};
        long started = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties(bootstrapServers))) {
            generate(event -> {
                if (failure.get() != null) {
                    return;
                }
                byte[] key = ChangeEventJson.encodeKey(event);
                byte[] value = ChangeEventJson.encode(event);
                bytes[0] += key.length + value.length;
                producer.send(new ProducerRecord<>(topic, routing.partitionFor(event.tableId(), key), key, value),
                        (metadata, e) -> {
                            if (e != null) {
                                failure.compareAndSet(null, e);
                            }
                        });
            });
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("Kafka refused a change event: " + failure.get().getMessage(),
                    failure.get());
        }
        return new Produced(inserts, updates, deletes, bytes[0], Duration.ofNanos(System.nanoTime() - started));
    }

    /**
     * Writes the subscriber's writes for every event to {@code file} as {@code _bulk} lines, in commit order: an
     * {@code index} action and the row for an insert or update, a {@code delete} action for a delete, each with
     * the event's LSN as external version (what the subscriber sends; the other order of the topic's partitions
     * leaves the same final state).
     *
     * @return where each event's lines start, plus the file's length at the end
     */
    long[] writeOperations(Path file) throws IOException {
        long[] offsets = new long[Math.toIntExact(events + 1)];
        int[] operation = {0};
        long[] position = {0};
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            generate(event -> {
                offsets[operation[0]++] = position[0];
                String action = event.op() == Operation.DELETE ? "delete" : "index";
                byte[] header = ("{\"" + action + "\":{\"_index\":\"" + event.tableId() + "\",\"_id\":\""
                        + event.key().get("id").asText() + "\",\"version\":" + event.source().lsn().value()
                        + ",\"version_type\":\"external\"}}\n").getBytes(StandardCharsets.UTF_8);
                try {
                    out.write(header);
                    position[0] += header.length;
                    if (event.after() != null) {
                        byte[] source = JSON.writeValueAsBytes(event.after());
                        out.write(source);
                        out.write('\n');
                        position[0] += source.length + 1;
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        offsets[operation[0]] = position[0];
        return offsets;
    }

    /**
     * Gives {@code sink} every event in commit order, starting from no rows; afterwards the row state is the final
     * one. The same every time.
     */
    private void generate(Consumer<ChangeEvent> sink) {
        for (int table = 0; table < tables; table++) {
            rows[table] = new Rows();
        }
        inserts = 0;
        updates = 0;
        deletes = 0;
        TableId[] tableIds = new TableId[tables];
        for (int table = 0; table < tables; table++) {
            tableIds[table] = tableId(table);
        }
        SplittableRandom random = new SplittableRandom(SEED);
        long lsn = 1L << 32;
        long xid = 1000;
        int leftInTransaction = 0;
        long commitLsn = 0;
        Instant commitTime = EPOCH;
        for (long i = 0; i < events; i++) {
            if (leftInTransaction == 0) {
                leftInTransaction = (int) Math.min(1 + random.nextInt(8), events - i);
                xid++;
                commitLsn = lsn + leftInTransaction * CHANGE_BYTES + 56;
                commitTime = commitTime.plusNanos(150_000 + random.nextInt(100_000) * 1000L);
            }
            leftInTransaction--;
            lsn += CHANGE_BYTES;
            int table = random.nextInt(tables);
            SourceInfo source = new SourceInfo(DATABASE, SCHEMA, tableIds[table].table(), Lsn.of(lsn),
                    Lsn.of(commitLsn), xid, commitTime);
            sink.accept(nextEvent(random, table, source));
        }
    }

    /** An insert, or an update or delete of a live row of {@code table}; updates its row state. */
    private ChangeEvent nextEvent(SplittableRandom random, int table, SourceInfo source) {
        Rows state = rows[table];
        int roll = random.nextInt(100);
        int id = roll < 80 || state.maxId == 0 ? 0 : liveRow(random, state);
        long lsn = source.lsn().value();
        if (id == 0) {
            id = state.insert(lsn);
            inserts++;
            return new ChangeEvent(Operation.CREATE, source, key(id), null, row(table, id, 0), List.of(), TYPES);
        }
        if (roll < 95) {
            int revision = ++state.revisions[id];
            state.versions[id] = lsn;
            updates++;
            return new ChangeEvent(Operation.UPDATE, source, key(id), null, row(table, id, revision), List.of(),
                    TYPES);
        }
        state.versions[id] = 0;
        deletes++;
        return new ChangeEvent(Operation.DELETE, source, key(id), key(id), null, List.of(), TYPES);
    }

    /** A random id that has a row, or 0 when a few tries found none (the caller then inserts). */
    private static int liveRow(SplittableRandom random, Rows state) {
        for (int attempt = 0; attempt < 8; attempt++) {
            int id = 1 + random.nextInt(state.maxId);
            if (state.versions[id] != 0) {
                return id;
            }
        }
        return 0;
    }

    /**
     * Writes the final documents to {@code file} as {@code _bulk} lines (an {@code index} action with the id and the
     * external version, then the document), the tables interleaved row by row so that every request spreads over
     * every index, as a subscriber batch of several partitions does.
     *
     * @return where each document's action line starts, plus the file's length at the end: the documents
     *         {@code [a, b)} are the bytes {@code [offsets[a], offsets[b])}
     */
    long[] writeFinalDocuments(Path file) throws IOException {
        long[] offsets = new long[Math.toIntExact(finalRows() + 1)];
        int maxId = Arrays.stream(rows).mapToInt(r -> r.maxId).max().orElse(0);
        List<String> indices = indices();
        int document = 0;
        long position = 0;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            for (int id = 1; id <= maxId; id++) {
                for (int table = 0; table < tables; table++) {
                    Rows state = rows[table];
                    if (id > state.maxId || state.versions[id] == 0) {
                        continue;
                    }
                    offsets[document++] = position;
                    byte[] action = ("{\"index\":{\"_index\":\"" + indices.get(table) + "\",\"_id\":\"" + id
                            + "\",\"version\":" + state.versions[id] + ",\"version_type\":\"external\"}}\n")
                            .getBytes(StandardCharsets.UTF_8);
                    byte[] source = JSON.writeValueAsBytes(row(table, id, state.revisions[id]));
                    out.write(action);
                    out.write(source);
                    out.write('\n');
                    position += action.length + source.length + 1;
                }
            }
        }
        offsets[document] = position;
        return offsets;
    }

    private TableId tableId(int table) {
        return new TableId(SCHEMA, "orders_" + (table + 1));
    }

    private static ObjectNode key(long id) {
        ObjectNode key = JSON.createObjectNode();
        key.put("id", id);
        return key;
    }

    /** Row {@code id} of {@code table} after {@code revision} updates; the same arguments give the same row. */
    private static ObjectNode row(int table, long id, int revision) {
        SplittableRandom fixed = new SplittableRandom(id * 0x9E3779B97F4A7C15L + table);
        SplittableRandom changing = new SplittableRandom(fixed.nextLong() ^ (revision * 0xBF58476D1CE4E5B9L));
        long customer = 1 + fixed.nextInt(200_000);
        Instant created = EPOCH.minusSeconds(fixed.nextInt(365 * 86_400)).plusNanos(1000L * fixed.nextInt(1_000_000));
        ObjectNode row = JSON.createObjectNode();
        row.put("id", id);
        row.put("customer_id", customer);
        row.put("email", "customer" + customer + "@example.com");
        row.put("status", STATUSES[Math.min(revision, STATUSES.length - 1)]);
        row.put("total", BigDecimal.valueOf(100 + changing.nextInt(5_000_000), 2).toPlainString());
        row.put("quantity", 1 + changing.nextInt(20));
        row.put("paid", revision > 0 || changing.nextBoolean());
        StringBuilder note = new StringBuilder();
        for (int words = 3 + changing.nextInt(14); words > 0; words--) {
            note.append(WORDS[changing.nextInt(WORDS.length)]).append(words > 1 ? " " : "");
        }
        row.put("note", note.toString());
        row.put("created_at", created.toString());
        row.put("updated_at", created.plusSeconds(revision * 3_600L + changing.nextInt(3_600)).toString());
        row.put("revision", revision);
        return row;
    }

    private static Map<String, String> types() {
        Map<String, String> types = new LinkedHashMap<>();
        types.put("id", "int8");
        types.put("customer_id", "int8");
        types.put("email", "text");
        types.put("status", "text");
        types.put("total", "numeric");
        types.put("quantity", "int4");
        types.put("paid", "bool");
        types.put("note", "text");
        types.put("created_at", "timestamptz");
        types.put("updated_at", "timestamptz");
        types.put("revision", "int4");
        return Collections.unmodifiableMap(types);
    }

    private static Properties producerProperties(String bootstrapServers) {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "subscriber-bench-filler");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return config;
    }
}
