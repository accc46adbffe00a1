package io.tributary.producer.stream;

import io.tributary.model.Envelope;
import io.tributary.model.Routing;
import io.tributary.model.TableId;
import io.tributary.producer.ProducerSettings;
import io.tributary.producer.ProducerSettings.OnSlotLoss;
import io.tributary.producer.ProducerSettings.ReplicaIdentity;
import io.tributary.producer.ProducerSettings.Slot;
import io.tributary.producer.ProducerSettings.Source;
import io.tributary.producer.ProducerSettings.Target;
import io.tributary.producer.publish.TopicSetup;
import io.tributary.producer.replication.OutputPlugin;
import io.tributary.producer.replication.PublicationSetup;
import io.tributary.producer.replication.ServerChecks;
import io.tributary.producer.replication.ServerVersion;
import io.tributary.shaping.source.TableSelection;
import io.tributary.producer.replication.TestDecodingCatalogLoader;
import io.tributary.shaping.source.TypeCatalogLoader;
import io.tributary.producer.stream.StreamSetup.TestDecodingCatalog;
import io.tributary.shaping.JsonMode;
import io.tributary.shaping.PgTypes;
import io.tributary.shaping.ValueConverter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer's startup checks and setup, before any lock or slot: the server (version, wal_level, REPLICATION
 * privilege, what the configured options need), the tables (resolved, their replica identity, generated columns
 * under FULL), the publication, the type catalog, and the topics (created, or checked for enough partitions).
 * Fails with what to fix.
 */
public final class StreamStartup {

    private static final Logger LOG = LoggerFactory.getLogger(StreamStartup.class);

    private StreamStartup() {
    }

    /** @throws IllegalStateException or SQLException with what to fix, when a check fails */
    public static StreamSetup prepare(ProducerSettings settings) throws SQLException {
        Source source = settings.source();
        Slot slot = source.slot();
        String database;
        List<TableId> tables;
        ServerVersion server;
        ValueConverter converter;
        Optional<TestDecodingCatalog> testDecoding = Optional.empty();
        try (Connection connection = ServerChecks.connect(source.endpoint())) {
            server = ServerVersion.of(connection).requireSupported();
            ServerChecks.requireLogicalWalLevel(connection);
            ServerChecks.requireReplicationPrivilege(connection);
            requireWhatTheOptionsNeed(slot, server);
            database = connection.getCatalog();
            tables = TableSelection.resolve(connection, source.tables().stream().map(TableId::toString).toList());
            boolean full = source.replicaIdentity() == ReplicaIdentity.FULL;
            if (slot.plugin().needsPublication()) {
                ServerChecks.requireNoGeneratedColumnsUnderFullIdentity(connection, tables, full, server);
            }
            ServerChecks.checkReplicaIdentity(connection, tables, full);
            if (slot.plugin().needsPublication()) {
                PublicationSetup.ensurePublication(connection, slot.publication(), tables);
            }
            PgTypes types = new TypeCatalogLoader(source.endpoint()).loadTypes();
            converter = new ValueConverter(types, source.numericMode(),
                    settings.target().envelope() == Envelope.DEBEZIUM ? JsonMode.TEXT : JsonMode.EMBEDDED);
            if (slot.plugin() == OutputPlugin.TEST_DECODING) {
                TestDecodingCatalogLoader loader = new TestDecodingCatalogLoader(source.endpoint());
                var streamedTables = loader.loadTables(tables);
                testDecoding = Optional.of(new TestDecodingCatalog(streamedTables,
                        loader.loadTypeNames(streamedTables)));
            }
            LOG.info("streaming tables {} of database {} ({})", tables, database, server);
        }
        List<String> topics = ensureTopics(settings.target(), tables);
        return new StreamSetup(database, tables, topics, server, converter, testDecoding);
    }

    private static void requireWhatTheOptionsNeed(Slot slot, ServerVersion server) {
        if (slot.failover() && !server.hasFailoverSlots()) {
            throw new IllegalStateException("tributary.postgres.slot-failover = true needs PostgreSQL 17 or"
                    + " later; this server is " + server.version());
        }
        if (slot.onLoss() == OnSlotLoss.RESNAPSHOT && !server.showsLogicalMessages(slot.plugin())) {
            throw new IllegalStateException("tributary.postgres.on-slot-loss = resnapshot needs incremental"
                    + " snapshots, whose watermarks pgoutput shows only from PostgreSQL 14 on; this server is "
                    + server.version() + ". Use on-slot-loss = recreate (a new slot with a full initial snapshot),"
                    + " or tributary.postgres.plugin = test_decoding");
        }
    }

    private static List<String> ensureTopics(Target target, List<TableId> tables) {
        Routing routing = target.routing();
        List<String> topics = routing.topicPerTable()
                ? tables.stream().map(routing::topicFor).distinct().toList() : List.of(routing.topic());
        TopicSetup.ensureTopics(target.bootstrapServers(), target.properties(), topics, target.partitions(),
                target.newTopics().replicationFactor(), target.newTopics().minInsyncReplicas(),
                target.limits().maxEventBytes());
        return topics;
    }
}
