package io.tributary.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.config.InvalidConfigException;
import io.tributary.config.Secret;
import io.tributary.model.Envelope;
import io.tributary.model.TableId;
import io.tributary.ops.RetryBackoff;
import io.tributary.producer.snapshot.SnapshotMode;
import io.tributary.producer.snapshot.SnapshotSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProducerSettingsTest {

    @TempDir
    Path dir;

    private static Map<String, String> requiredEnvironment() {
        Map<String, String> environment = new HashMap<>();
        environment.put("TRIBUTARY_POSTGRES_URL", "jdbc:postgresql://db:5432/app");
        environment.put("TRIBUTARY_POSTGRES_USER", "replicator");
        environment.put("TRIBUTARY_POSTGRES_TABLES", "public.orders,sales.lines");
        environment.put("TRIBUTARY_KAFKA_BOOTSTRAP_SERVERS", "kafka:9092");
        return environment;
    }

    @Test
    void requiredKeysFromTheEnvironmentAndDocumentedDefaults() {
        ProducerSettings settings = ProducerSettings.load(null, requiredEnvironment());

        assertEquals(List.of(TableId.parse("public.orders"), TableId.parse("sales.lines")), settings.source().tables());
        assertEquals("tributary", settings.source().slot().name());
        assertEquals(ProducerSettings.OnSlotLoss.FAIL, settings.source().slot().onLoss());
        assertEquals(ProducerSettings.ReplicaIdentity.DEFAULT, settings.source().replicaIdentity());
        assertEquals(java.time.Duration.ZERO, settings.source().timing().heartbeatInterval());
        assertEquals("tributary.changes", settings.target().topic());
        assertEquals(12, settings.target().partitions());
        assertEquals(8080, settings.httpPort());
        assertEquals(Secret.NONE, settings.source().endpoint().password());
        assertEquals(new SnapshotSettings(SnapshotMode.INITIAL, 10_000, 2), settings.snapshot());
        assertEquals(java.time.Duration.ofSeconds(10), settings.source().timing().takeoverTimeout());
        assertEquals(-1, settings.target().newTopics().minInsyncReplicas());
    }

    @Test
    void aHoconSnippetIsReadOverTheReferenceDefaults() {
        ProducerSettings settings = ProducerSettings.parse("""
                tributary.postgres { url = "jdbc:postgresql://db:5432/app", user = replicator, tables = [shop.items] }
                tributary.postgres.reconnect.initial-backoff = 200ms
                tributary.kafka.bootstrap-servers = "kafka:9092"
                """);

        assertEquals(List.of(TableId.parse("shop.items")), settings.source().tables());
        assertEquals(new RetryBackoff(java.time.Duration.ofMillis(200), java.time.Duration.ofSeconds(30)),
                settings.source().timing().reconnectBackoff());
        assertEquals(50_000, settings.target().limits().maxUnacknowledgedEvents());
        InvalidConfigException missing = assertThrows(InvalidConfigException.class,
                () -> ProducerSettings.parse("tributary.kafka.bootstrap-servers = \"kafka:9092\""));
        assertTrue(missing.getMessage().startsWith("tributary.postgres.url is required"), missing.getMessage());
    }

    @Test
    void moreInsyncReplicasThanReplicasAndATooShortTakeoverTimeoutAreRefusedNamingTheKey() {
        Map<String, String> environment = requiredEnvironment();
        environment.put("TRIBUTARY_KAFKA_REPLICATION_FACTOR", "2");
        environment.put("TRIBUTARY_KAFKA_MIN_INSYNC_REPLICAS", "3");
        InvalidConfigException insync = assertThrows(InvalidConfigException.class,
                () -> ProducerSettings.load(null, environment));
        assertTrue(insync.getMessage().contains("tributary.kafka.min-insync-replicas is 3, more than"
                + " tributary.kafka.replication-factor (2): no write could succeed"), insync.getMessage());

        Map<String, String> quick = requiredEnvironment();
        quick.put("TRIBUTARY_POSTGRES_TAKEOVER_TIMEOUT", "1s");
        InvalidConfigException takeover = assertThrows(InvalidConfigException.class,
                () -> ProducerSettings.load(null, quick));
        assertTrue(takeover.getMessage().contains("tributary.postgres.takeover-timeout must be at least 3000ms, got 1000ms"),
                takeover.getMessage());
    }

    @Test
    void theEnvelopeIsTributarysByDefaultDebeziumsOnRequestAndAnythingElseIsRefusedNamingTheKey() {
        assertEquals(Envelope.TRIBUTARY, ProducerSettings.load(null, requiredEnvironment()).target().envelope());

        Map<String, String> debezium = requiredEnvironment();
        debezium.put("TRIBUTARY_KAFKA_ENVELOPE", "debezium");
        assertEquals(Envelope.DEBEZIUM, ProducerSettings.load(null, debezium).target().envelope());

        Map<String, String> other = requiredEnvironment();
        other.put("TRIBUTARY_KAFKA_ENVELOPE", "avro");
        InvalidConfigException refused = assertThrows(InvalidConfigException.class,
                () -> ProducerSettings.load(null, other));
        assertTrue(refused.getMessage().contains("tributary.kafka.envelope"), refused.getMessage());
        assertTrue(refused.getMessage().contains("avro"), refused.getMessage());
    }

    @Test
    void snapshotKeysAreReadFromTheEnvironment() {
        Map<String, String> environment = requiredEnvironment();
        environment.put("TRIBUTARY_POSTGRES_SNAPSHOT_MODE", "never");
        environment.put("TRIBUTARY_POSTGRES_SNAPSHOT_CHUNK_SIZE", "7");
        environment.put("TRIBUTARY_POSTGRES_SNAPSHOT_PARALLELISM", "4");

        assertEquals(new SnapshotSettings(SnapshotMode.NEVER, 7, 4),
                ProducerSettings.load(null, environment).snapshot());
    }

    @Test
    void fileSetsKafkaPropertiesPassedThroughToTheClient() throws Exception {
        Path file = dir.resolve("producer.conf");
        Files.writeString(file, "tributary.kafka.properties { \"security.protocol\" = SSL, linger.ms = 20 }");

        ProducerSettings settings = ProducerSettings.load(file, requiredEnvironment());

        assertEquals(Map.of("security.protocol", "SSL", "linger.ms", "20"), settings.target().properties());
    }

    @Test
    void aTablePinnedOutsideThePartitionsIsNamedWithThePartitionCount() throws Exception {
        Path file = dir.resolve("pinned.conf");
        Files.writeString(file, "tributary.kafka { partitions = 4, pinned-partitions { \"shop.orders\" = 4 } }");

        InvalidConfigException error = assertThrows(InvalidConfigException.class,
                () -> ProducerSettings.load(file, requiredEnvironment()));

        assertTrue(error.getMessage().startsWith("tributary.kafka.pinned-partitions table shop.orders is pinned to"
                + " partition 4, outside 0..3 (tributary.kafka.partitions is 4)"), error.getMessage());
    }

    @Test
    void missingRequiredKeyIsNamed() {
        Map<String, String> environment = requiredEnvironment();
        environment.remove("TRIBUTARY_POSTGRES_URL");

        InvalidConfigException error = assertThrows(InvalidConfigException.class,
                () -> ProducerSettings.load(null, environment));
        assertTrue(error.getMessage().startsWith("tributary.postgres.url is required but not set"), error.getMessage());
    }

    @Test
    void malformedValuesAreNamedWithWhatIsAccepted() {
        assertRejected("TRIBUTARY_POSTGRES_URL", "postgres://db/app", "tributary.postgres.url must look like jdbc:postgresql://");
        assertRejected("TRIBUTARY_POSTGRES_SLOT", "My-Slot", "tributary.postgres.slot must be 1 to 63 lower-case");
        assertRejected("TRIBUTARY_KAFKA_PARTITIONS", "0", "tributary.kafka.partitions must be between 1 and 100000, got 0");
        assertRejected("TRIBUTARY_POSTGRES_TABLES", "a.b.c", "tributary.postgres.tables not a table name");
        assertRejected("TRIBUTARY_HTTP_PORT", "http", "tributary.http.port must be a whole number");
        assertRejected("TRIBUTARY_POSTGRES_ON_SLOT_LOSS", "ignore", "tributary.postgres.on-slot-loss must be one of [fail, recreate, resnapshot]");
        assertRejected("TRIBUTARY_POSTGRES_RECONNECT_MAX_BACKOFF", "10ms", "tributary.postgres.reconnect.max-backoff must not be shorter");
        assertRejected("TRIBUTARY_POSTGRES_SNAPSHOT_MODE", "once",
                "tributary.postgres.snapshot.mode must be one of [initial, never, always]");
        assertRejected("TRIBUTARY_POSTGRES_SNAPSHOT_CHUNK_SIZE", "0",
                "tributary.postgres.snapshot.chunk-size must be between 1 and 1000000, got 0");
        assertRejected("TRIBUTARY_POSTGRES_SNAPSHOT_PARALLELISM", "100",
                "tributary.postgres.snapshot.parallelism must be between 1 and 64, got 100");
    }

    private static void assertRejected(String variable, String value, String expected) {
        Map<String, String> environment = requiredEnvironment();
        environment.put(variable, value);
        InvalidConfigException error = assertThrows(InvalidConfigException.class,
                () -> ProducerSettings.load(null, environment));
        assertTrue(error.getMessage().contains(expected), "expected '" + expected + "' in: " + error.getMessage());
    }
}
