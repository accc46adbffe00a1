package io.tributary.bench.debezium;

import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.format.JsonByteArray;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Debezium's initial snapshot of the snapshot bench's tables into Kafka, the peer of etl-producer's (run by
 * {@code bench/run-snapshot-bench.sh --debezium} as a child JVM with this module's own classpath). Debezium 3.6.1's
 * embedded engine runs the PostgreSQL connector with {@code snapshot.mode = initial_only}, its records converted by
 * the JsonConverter with schemas disabled, and each batch is sent to {@code topic} by a Kafka producer tuned like
 * the producer bench's Debezium drain (lz4, 512 KiB batches, linger 10 ms, {@code acks=all}, idempotent), then
 * marked processed once Kafka acknowledged all of it, as Debezium Server's Kafka sink does. Numerics are strings
 * ({@code decimal.handling.mode = string}), as Tributary writes them by default.
 *
 * <p>Arguments are {@code key=value}: {@code host}, {@code port}, {@code database}, {@code user}, {@code password},
 * {@code slot}, {@code tables} (comma-separated {@code schema.table}), {@code bootstrap-servers}, {@code topic},
 * {@code rows} (how many rows make the snapshot complete). Standard output gets two lines the bench reads, each
 * with the JVM's uptime in milliseconds: {@code first-row <ms>} when the first record reached the consumer and
 * {@code complete <rows> <ms>} when Kafka acknowledged the last row; then the JVM exits with status 0. It exits
 * with status 1 when the engine stops before that.
 */
public final class DebeziumSnapshotMain {

    private DebeziumSnapshotMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            int equals = arg.indexOf('=');
            if (equals < 1) {
                throw new IllegalArgumentException("arguments are key=value, got '" + arg + "'");
            }
            options.put(arg.substring(0, equals), arg.substring(equals + 1));
        }
        long expectedRows = Long.parseLong(required(options, "rows"));
        String topic = required(options, "topic");
        AtomicLong acknowledged = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties(
                required(options, "bootstrap-servers")))) {
            DebeziumEngine.ChangeConsumer<ChangeEvent<byte[], byte[]>> toKafka = (records, committer) -> {
                if (acknowledged.get() == 0 && !records.isEmpty()) {
                    System.out.println("first-row " + uptimeMillis());
                }
                CountDownLatch batch = new CountDownLatch(records.size());
                for (ChangeEvent<byte[], byte[]> record : records) {
                    producer.send(new ProducerRecord<>(topic, record.key(), record.value()), (metadata, e) -> {
                        if (e != null) {
                            failure.compareAndSet(null, e);
                        }
                        batch.countDown();
                    });
                }
                batch.await();
                if (failure.get() != null) {
                    throw new IllegalStateException("Kafka refused a record", failure.get());
                }
                for (ChangeEvent<byte[], byte[]> record : records) {
                    committer.markProcessed(record);
                }
                committer.markBatchFinished();
                if (acknowledged.addAndGet(records.size()) >= expectedRows) {
                    System.out.println("complete " + acknowledged.get() + " " + uptimeMillis());
                    done.countDown();
                }
            };
            DebeziumEngine<ChangeEvent<byte[], byte[]>> engine = DebeziumEngine.create(JsonByteArray.class)
                    .using(connectorProperties(options))
                    .notifying(toKafka)
                    .using((success, message, error) -> {
                        if (error != null) {
                            failure.compareAndSet(null, error);
                        }
                        System.err.println("engine stopped: success " + success + ", " + message);
                        done.countDown();
                    })
                    .build();
            ExecutorService runner = Executors.newSingleThreadExecutor();
            runner.execute(engine);
            done.await();
            boolean complete = acknowledged.get() >= expectedRows;
            System.out.flush();
            if (!complete) {
                System.err.println("Debezium stopped after " + acknowledged.get() + " of " + expectedRows + " rows");
                if (failure.get() != null) {
                    failure.get().printStackTrace();
                }
            }
            engine.close();
            runner.shutdown();
            runner.awaitTermination(30, TimeUnit.SECONDS);
            System.exit(complete ? 0 : 1);
        }
    }

    private static Properties connectorProperties(Map<String, String> options) {
        Properties properties = new Properties();
        properties.put("name", "tributary-bench-debezium");
        properties.put("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        properties.put("offset.storage", "org.apache.kafka.connect.storage.MemoryOffsetBackingStore");
        properties.put("offset.flush.interval.ms", "60000");
        properties.put("database.hostname", required(options, "host"));
        properties.put("database.port", required(options, "port"));
        properties.put("database.user", required(options, "user"));
        properties.put("database.password", options.getOrDefault("password", ""));
        properties.put("database.dbname", required(options, "database"));
        properties.put("topic.prefix", "dbzbench");
        properties.put("plugin.name", "pgoutput");
        properties.put("slot.name", required(options, "slot"));
        properties.put("publication.name", required(options, "slot"));
        properties.put("publication.autocreate.mode", "filtered");
        properties.put("table.include.list", String.join(",", List.of(required(options, "tables").split(","))));
        properties.put("snapshot.mode", "initial_only");
        properties.put("decimal.handling.mode", "string");
        properties.put("converter.schemas.enable", "false");
        properties.put("key.converter.schemas.enable", "false");
        properties.put("value.converter.schemas.enable", "false");
        return properties;
    }

    private static Properties producerProperties(String bootstrapServers) {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ProducerConfig.CLIENT_ID_CONFIG, "tributary-bench-debezium");
        properties.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        properties.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        properties.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return properties;
    }

    private static String required(Map<String, String> options, String key) {
        String value = options.get(key);
        if (value == null) {
            throw new IllegalArgumentException("missing argument " + key + "=…");
        }
        return value;
    }

    private static long uptimeMillis() {
        return ManagementFactory.getRuntimeMXBean().getUptime();
    }
}
