package io.tributary.bench.debezium;

import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.format.JsonByteArray;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * The producer benchmark's peer: Debezium's embedded PostgreSQL connector streaming an existing pgoutput slot of an
 * existing publication into one Kafka topic, as Debezium Server's Kafka sink does it: the engine converts each
 * change to JSON without schemas ({@link JsonByteArray}), every batch is sent, and its records are marked processed
 * only once Kafka has acknowledged all of them (so the slot's flushed position never passes an unacknowledged
 * change). The connector neither creates a slot or publication nor snapshots: the bench created both before writing.
 *
 * <p>Done when a record whose {@code source.lsn} is at or past {@code --until-lsn} has been acknowledged by Kafka,
 * together with every record before it. Standard output carries three lines for the bench, each starting with
 * {@value #PREFIX}: {@code started Debezium <version>}, {@code first record} (when the first change arrives) and
 * {@code done: <n> records acknowledged by Kafka, last source.lsn <lsn>}; Debezium's and Kafka's log lines go there
 * too. Exit status: 0 when done, 1 when the engine or Kafka failed, 2 for a bad argument. Password: {@code PGPASSWORD}.
 */
public final class DebeziumStreamingMain {

    static final String PREFIX = "debezium-streaming: ";
    private static final String USAGE = "usage: DebeziumStreamingMain --host H --port P --user U --database D"
            + " --slot S --publication P --table SCHEMA.TABLE --bootstrap-servers B --topic T --until-lsn X/Y"
            + " (password in PGPASSWORD)";
    /** How long the engine may take to stop once the run is done; the bench's timing ended with the done line. */
    private static final long ENGINE_STOP_SECONDS = 30;

    private DebeziumStreamingMain() {
    }

    /**
     * The command line, checked once.
     *
     * @param untilLsn the run is done once a record with a {@code source.lsn} at or past it is in Kafka
     */
    record Settings(String host, int port, String user, String password, String database, String slot,
                    String publication, String table, String bootstrapServers, String topic, long untilLsn) {

        static Settings parse(String[] args, String password) {
            Map<String, String> values = new HashMap<>();
            for (int i = 0; i < args.length; i += 2) {
                if (!args[i].startsWith("--") || i + 1 >= args.length) {
                    throw new IllegalArgumentException("expected '--name value', got '" + args[i] + "'");
                }
                values.put(args[i].substring(2), args[i + 1]);
            }
            List<String> names = List.of("host", "port", "user", "database", "slot", "publication", "table",
                    "bootstrap-servers", "topic", "until-lsn");
            for (String name : values.keySet()) {
                if (!names.contains(name)) {
                    throw new IllegalArgumentException("unknown option '--" + name + "'");
                }
            }
            for (String name : names) {
                if (!values.containsKey(name)) {
                    throw new IllegalArgumentException("--" + name + " is missing");
                }
            }
            if (password == null) {
                throw new IllegalArgumentException("PGPASSWORD is not set");
            }
            int port;
            try {
                port = Integer.parseInt(values.get("port"));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--port must be a number, got '" + values.get("port") + "'", e);
            }
            return new Settings(values.get("host"), port, values.get("user"), password, values.get("database"),
                    values.get("slot"), values.get("publication"), values.get("table"),
                    values.get("bootstrap-servers"), values.get("topic"), parseLsn(values.get("until-lsn")));
        }
    }

    public static void main(String[] args) {
        Settings settings;
        try {
            settings = Settings.parse(args, System.getenv("PGPASSWORD"));
        } catch (IllegalArgumentException e) {
            System.err.println(PREFIX + e.getMessage() + "\n" + USAGE);
            System.exit(2);
            return;
        }
        try {
            String done = run(settings);
            System.out.println(PREFIX + done);
            System.out.flush();
            System.exit(0);
        } catch (Exception e) {
            System.out.flush();
            System.err.println(PREFIX + "failed: " + e);
            e.printStackTrace();
            System.exit(1);
        }
    }

    /** Streams until done; returns the done line. */
    private static String run(Settings settings) throws InterruptedException, IOException {
        CompletableFuture<String> done = new CompletableFuture<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                DebeziumPeer.kafkaProducer(settings.bootstrapServers()))) {
            KafkaSender sender = new KafkaSender(producer, settings.topic(), settings.untilLsn(), done);
            DebeziumEngine<ChangeEvent<byte[], byte[]>> engine = DebeziumEngine.create(JsonByteArray.class)
                    .using(engineProperties(settings))
                    .notifying(sender)
                    .using((success, message, error) -> done.completeExceptionally(new IllegalStateException(
                            "the Debezium engine stopped before the run was done: " + message, error)))
                    .build();
            ExecutorService engineThread = Executors.newSingleThreadExecutor();
            try {
                System.out.println(PREFIX + "started Debezium " + io.debezium.connector.postgresql.Module.version()
                        + " on slot " + settings.slot() + ", until source.lsn " + formatLsn(settings.untilLsn()));
                engineThread.execute(engine);
                return done.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
            } finally {
                engine.close();
                engineThread.shutdown();
                engineThread.awaitTermination(ENGINE_STOP_SECONDS, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * The connector on the bench's slot and publication. Settings beyond the connection, and why:
     * <ul>
     *   <li>{@code snapshot.mode=no_data}: the slot was created before the workload; stream only what it holds.
     *   <li>{@code publication.autocreate.mode=disabled}: use the bench's publication as it is; fail if it is missing.
     *   <li>{@code decimal.handling.mode=string}: numeric as an exact decimal string, what users of JSON without
     *       schemas choose (the default, {@code precise}, writes base64 bytes whose scale only the schema carries).
     *   <li>{@code tombstones.on.delete=false}: one Kafka record per change, like etl-producer (a tombstone would be
     *       a second record for each delete, for log compaction).
     *   <li>offsets in memory: every run starts from the slot's position; nothing is resumed.
     * </ul>
     */
    static Properties engineProperties(Settings settings) {
        Properties properties = DebeziumPeer.connector(settings.host(), Integer.toString(settings.port()),
                settings.user(), settings.password(), settings.database(), settings.slot(), settings.table());
        properties.setProperty("topic.prefix", "bench");
        properties.setProperty("slot.drop.on.stop", "false");
        properties.setProperty("publication.name", settings.publication());
        properties.setProperty("publication.autocreate.mode", "disabled");
        properties.setProperty("snapshot.mode", "no_data");
        properties.setProperty("tombstones.on.delete", "false");
        return properties;
    }

    /**
     * Sends each batch the engine hands over and marks its records processed once Kafka acknowledged all of them;
     * completes {@code done} after the batch holding the record at or past the end. Called by the engine's one
     * processing thread.
     */
    static final class KafkaSender implements DebeziumEngine.ChangeConsumer<ChangeEvent<byte[], byte[]>> {

        private final KafkaProducer<byte[], byte[]> producer;
        private final String topic;
        private final long untilLsn;
        private final CompletableFuture<String> done;
        private long sent;

        KafkaSender(KafkaProducer<byte[], byte[]> producer, String topic, long untilLsn,
                    CompletableFuture<String> done) {
            this.producer = producer;
            this.topic = topic;
            this.untilLsn = untilLsn;
            this.done = done;
        }

        @Override
        public void handleBatch(List<ChangeEvent<byte[], byte[]>> records,
                                DebeziumEngine.RecordCommitter<ChangeEvent<byte[], byte[]>> committer)
                throws InterruptedException {
            if (sent == 0 && !records.isEmpty()) {
                System.out.println(PREFIX + "first record");
            }
            List<Future<RecordMetadata>> acknowledgements = new ArrayList<>(records.size());
            long lastLsn = -1;
            for (ChangeEvent<byte[], byte[]> record : records) {
                acknowledgements.add(producer.send(new ProducerRecord<>(topic, record.key(), record.value())));
                lastLsn = Math.max(lastLsn, sourceLsn(record.value()));
            }
            for (Future<RecordMetadata> acknowledgement : acknowledgements) {
                try {
                    acknowledgement.get();
                } catch (ExecutionException e) {
                    done.completeExceptionally(new IllegalStateException("Kafka did not take a record for topic "
                            + topic + " after " + sent + " acknowledged records: " + e.getCause(), e.getCause()));
                    throw new IllegalStateException("Kafka refused a record", e.getCause());
                }
            }
            for (ChangeEvent<byte[], byte[]> record : records) {
                committer.markProcessed(record);
            }
            committer.markBatchFinished();
            sent += records.size();
            if (lastLsn != -1 && Long.compareUnsigned(lastLsn, untilLsn) >= 0) {
                done.complete("done: " + sent + " records acknowledged by Kafka, last source.lsn "
                        + formatLsn(lastLsn));
            }
        }
    }

    private static final byte[] LSN_FIELD = "\"lsn\":".getBytes(StandardCharsets.US_ASCII);

    /**
     * The {@code source.lsn} of a change's JSON value, found by its field name from the end (the source block comes
     * after {@code before} and {@code after}). Column values never hold the name with a bare quote (strings escape
     * it), so the only {@code "lsn":} is the source's as long as the table has no column named {@code lsn}.
     *
     * @return -1 for a record without a value or without a source position
     */
    static long sourceLsn(byte[] value) {
        if (value == null) {
            return -1;
        }
        for (int at = value.length - LSN_FIELD.length; at >= 0; at--) {
            if (matchesAt(value, at)) {
                long lsn = 0;
                int digit = at + LSN_FIELD.length;
                if (digit >= value.length || value[digit] < '0' || value[digit] > '9') {
                    return -1; // "lsn":null
                }
                for (; digit < value.length && value[digit] >= '0' && value[digit] <= '9'; digit++) {
                    lsn = lsn * 10 + (value[digit] - '0');
                }
                return lsn;
            }
        }
        return -1;
    }

    private static boolean matchesAt(byte[] value, int at) {
        for (int i = 0; i < LSN_FIELD.length; i++) {
            if (value[at + i] != LSN_FIELD[i]) {
                return false;
            }
        }
        return true;
    }

    /** {@code X/Y} (hexadecimal halves, as PostgreSQL writes a position) as one unsigned 64-bit number. */
    static long parseLsn(String text) {
        if (!text.matches("[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}")) {
            throw new IllegalArgumentException("--until-lsn must be a position like 0/16B3748, got '" + text + "'");
        }
        int slash = text.indexOf('/');
        return Long.parseLong(text.substring(0, slash), 16) << 32 | Long.parseLong(text.substring(slash + 1), 16);
    }

    static String formatLsn(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase() + "/" + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase();
    }
}
