package io.tributary.producer;

import io.micrometer.core.instrument.MeterRegistry;
import io.tributary.localstack.RunningKafka;
import io.tributary.localstack.RunningPostgres;
import io.tributary.localstack.testkit.TestDatabase;
import io.tributary.model.TableId;
import io.tributary.ops.RetryBackoff;
import io.tributary.producer.ProducerSettings.Source;
import io.tributary.producer.replication.OutputPlugin;
import io.tributary.producer.snapshot.SnapshotSettings;
import io.tributary.shaping.source.PostgresEndpoint;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fresh database (with a schema {@code shop}) and topic for one producer IT, the settings of a producer that
 * streams it with short intervals, and the producers started on it, closed by {@link #close()}.
 */
final class ProducerTestDatabase implements AutoCloseable {

    private static final AtomicInteger RUN = new AtomicInteger();

    private final RunningPostgres postgres;
    private final RunningKafka kafka;
    private final TestDatabase database;
    private final String name;
    private final String topic;
    private final List<EtlProducer> producers = new ArrayList<>();

    /** @param prefix names the database ({@code prefix_N_…}) and the topic */
    ProducerTestDatabase(RunningPostgres postgres, RunningKafka kafka, String prefix) throws SQLException {
        this.postgres = postgres;
        this.kafka = kafka;
        this.name = prefix + "_" + RUN.incrementAndGet() + "_" + System.nanoTime() % 100_000;
        this.topic = prefix.replace('_', '-') + "-" + name;
        this.database = TestDatabase.create(postgres, name);
        database.createSchema("shop");
    }

    String name() {
        return name;
    }

    String topic() {
        return topic;
    }

    String kafkaBootstrapServers() {
        return kafka.bootstrapServers();
    }

    String slot() {
        return "slot_" + name;
    }

    PostgresEndpoint endpoint() {
        return new PostgresEndpoint(postgres.jdbcUrl(name), postgres.user(), postgres.password());
    }

    /** A producer of the tables to this database's topic, reporting and reconnecting every 200 ms. */
    ProducerSettings settings(SnapshotSettings snapshot, int partitions, String... tables) {
        return settings(snapshot, partitions, OutputPlugin.PGOUTPUT, tables);
    }

    /** {@link #settings(SnapshotSettings, int, String...)} with the documented snapshot defaults. */
    ProducerSettings settings(int partitions, String... tables) {
        return keys(partitions, OutputPlugin.PGOUTPUT, tables).build();
    }

    /** {@link #settings(SnapshotSettings, int, String...)} with another output plugin. */
    ProducerSettings settings(SnapshotSettings snapshot, int partitions, OutputPlugin plugin, String... tables) {
        return keys(partitions, plugin, tables)
                .with("tributary.postgres.snapshot.mode", snapshot.mode().name().toLowerCase(Locale.ROOT))
                .with("tributary.postgres.snapshot.chunk-size", snapshot.chunkSize())
                .with("tributary.postgres.snapshot.parallelism", snapshot.parallelism())
                .build();
    }

    /** The keys of {@link #settings(int, String...)}, for a test to change some. */
    TestSettings keys(int partitions, OutputPlugin plugin, String... tables) {
        return TestSettings.quick(postgres.jdbcUrl(name), postgres.user(), postgres.password(), slot())
                .with("tributary.postgres.publication", "pub_" + name)
                .with("tributary.postgres.plugin", plugin.pluginName())
                .tables(List.of(tables))
                .kafka(kafka.bootstrapServers(), topic, partitions);
    }

    /** A producer, not started yet, closed with this database. */
    EtlProducer producer(ProducerSettings settings, MeterRegistry metrics) {
        EtlProducer producer = new EtlProducer(settings, metrics);
        producers.add(producer);
        return producer;
    }

    Connection connect() throws SQLException {
        return database.connect();
    }

    void sql(String... statements) throws SQLException {
        database.sql(statements);
    }

    /** The first column of the first row. */
    String queryOne(String sql) throws SQLException {
        return database.queryOne(sql);
    }

    @Override
    public void close() throws InterruptedException {
        for (EtlProducer producer : producers) {
            producer.close();
        }
    }
}
