package io.tributary.bench.debezium;

import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.format.JsonByteArray;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

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
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                DebeziumPeer.kafkaProducer(required(options, "bootstrap-servers")))) {
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

    /** The shared connector settings, with a publication of its own and a snapshot only. */
    private static Properties connectorProperties(Map<String, String> options) {
        Properties properties = DebeziumPeer.connector(required(options, "host"), required(options, "port"),
                required(options, "user"), options.getOrDefault("password", ""), required(options, "database"),
                required(options, "slot"), required(options, "tables"));
        properties.setProperty("offset.flush.interval.ms", "60000");
        properties.setProperty("topic.prefix", "dbzbench");
        properties.setProperty("publication.name", required(options, "slot"));
        properties.setProperty("publication.autocreate.mode", "filtered");
        properties.setProperty("snapshot.mode", "initial_only");
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
