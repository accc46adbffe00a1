package io.tributary.bench.debezium;

import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * How both Debezium drains run the peer, in one place so the streaming and the snapshot figures measure the same
 * setup: the PostgreSQL connector as users of JSON without schemas run it, and the Kafka producer tuned as issue 14
 * says.
 */
final class DebeziumPeer {

    private DebeziumPeer() {
    }

    /**
     * The connector settings both drains share: pgoutput on the given slot, offsets in memory (nothing is resumed),
     * exact decimals as strings ({@code decimal.handling.mode=string}, what JSON-without-schemas users pick over
     * {@code precise}, whose bytes need the schema), JSON keys and values without schemas. Each drain adds its
     * publication and snapshot settings.
     */
    static Properties connector(String host, String port, String user, String password, String database,
                                String slot, String tables) {
        Properties properties = new Properties();
        properties.setProperty("name", "bench-debezium");
        properties.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        properties.setProperty("offset.storage", "org.apache.kafka.connect.storage.MemoryOffsetBackingStore");
        properties.setProperty("database.hostname", host);
        properties.setProperty("database.port", port);
        properties.setProperty("database.user", user);
        properties.setProperty("database.password", password);
        properties.setProperty("database.dbname", database);
        properties.setProperty("plugin.name", "pgoutput");
        properties.setProperty("slot.name", slot);
        properties.setProperty("table.include.list", tables);
        properties.setProperty("decimal.handling.mode", "string");
        properties.setProperty("key.converter.schemas.enable", "false");
        properties.setProperty("value.converter.schemas.enable", "false");
        return properties;
    }

    /** The tuning: lz4, 512 KiB batches, 10 ms linger, acks=all, idempotence; records as bytes. */
    static Properties kafkaProducer(String bootstrapServers) {
        Properties properties = new Properties();
        properties.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.setProperty(ProducerConfig.CLIENT_ID_CONFIG, "bench-debezium");
        properties.setProperty(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        properties.setProperty(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        properties.setProperty(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        properties.setProperty(ProducerConfig.BATCH_SIZE_CONFIG, "524288");
        properties.setProperty(ProducerConfig.LINGER_MS_CONFIG, "10");
        properties.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        properties.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return properties;
    }
}
