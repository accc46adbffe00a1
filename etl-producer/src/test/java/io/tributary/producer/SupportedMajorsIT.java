package io.tributary.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tributary.localstack.LocalStack;
import io.tributary.localstack.PostgresMajor;
import io.tributary.localstack.RunningKafka;
import io.tributary.localstack.RunningPostgres;
import io.tributary.model.ChangeEvent;
import io.tributary.model.Lsn;
import io.tributary.model.Operation;
import io.tributary.producer.TopicReader.Received;
import io.tributary.producer.decoding.DecoderEquivalence;
import io.tributary.producer.replication.ServerVersion;
import io.tributary.producer.snapshot.SnapshotMode;
import io.tributary.producer.snapshot.SnapshotSettings;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A small workload on every PostgreSQL major the producer supports, each server started once: the decoders agree
 * ({@link DecoderEquivalence}), an initial snapshot is followed by every kind of change in commit order, and a
 * requested incremental snapshot reads every row and sweeps. The full ITs run per major with {@code -Ppg-matrix}.
 * And the newest major older than the supported range is refused at startup.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SupportedMajorsIT {

    private final RunningKafka kafka = LocalStack.kafka();

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tributary.producer.TestedMajors#supported")
    void streamsSnapshotsAndDecodesAlikeOnEverySupportedMajor(PostgresMajor major) throws Exception {
        RunningPostgres postgres = LocalStack.postgres(major);
        assertEquals(major.number(), postgres.majorVersion());

        DecoderEquivalence.assertSameEvents(postgres);
        try (ProducerTestDatabase db = new ProducerTestDatabase(postgres, kafka, "majors_" + major.number())) {
            assertAnInitialSnapshotThenEveryKindOfChange(db);
        }
        try (ProducerTestDatabase db = new ProducerTestDatabase(postgres, kafka, "majors_inc_" + major.number())) {
            IncrementalSnapshotIT.assertARequestedSnapshotReadsEveryRowThenSweeps(db,
                    TestedMajors.incrementalSnapshotPlugin(major.number()));
        }
    }

    @Test
    void aServerOlderThanTheSupportedRangeIsRefusedAtStartupNamingItsVersionAndTheMinimum() throws Exception {
        PostgresMajor tooOld = TestedMajors.newestUnsupported();
        try (ProducerTestDatabase db = new ProducerTestDatabase(LocalStack.postgres(tooOld), kafka, "too_old")) {
            db.sql("CREATE TABLE shop.items (id int PRIMARY KEY)");
            EtlProducer producer = db.producer(db.settings(1, "shop.items"),
                    new SimpleMeterRegistry());

            IllegalStateException refused = assertThrows(IllegalStateException.class, producer::start);

            assertTrue(refused.getMessage().startsWith("PostgreSQL " + tooOld.number() + ".")
                    && refused.getMessage().contains("needs PostgreSQL " + ServerVersion.OLDEST_SUPPORTED_MAJOR
                    + " or later"), refused.getMessage());
            assertEquals("0", db.queryOne("SELECT count(*) FROM pg_replication_slots"), "no slot was created");
        }
    }

    @Test
    void onEighteenATableWhoseFullIdentityTakesInAGeneratedColumnIsRefusedBeforeItsUpdatesBreak() throws Exception {
        PostgresMajor newest = TestedMajors.supported().get(TestedMajors.supported().size() - 1);
        try (ProducerTestDatabase db = new ProducerTestDatabase(LocalStack.postgres(newest), kafka, "generated")) {
            db.sql("CREATE TABLE shop.lines (qty int, price int, total int GENERATED ALWAYS AS (qty * price) STORED)",
                    "ALTER TABLE shop.lines REPLICA IDENTITY FULL",
                    "INSERT INTO shop.lines VALUES (2, 3)");
            EtlProducer producer = db.producer(db.settings(1, "shop.lines"),
                    new SimpleMeterRegistry());

            IllegalStateException refused = assertThrows(IllegalStateException.class, producer::start);

            assertTrue(refused.getMessage().contains("shop.lines (total)"), refused.getMessage());
            assertEquals("0", db.queryOne("SELECT count(*) FROM pg_publication"), "no publication was created");
            db.sql("UPDATE shop.lines SET qty = 4"); // what a publication of the table would refuse on 18
        }
    }

    /**
     * Five rows snapshotted, then in one partition: an insert, an update leaving a TOASTed value out, a key change,
     * a delete, changes of a table keyed by all its columns (REPLICA IDENTITY FULL), a row after a column was added,
     * and a truncate.
     */
    private static void assertAnInitialSnapshotThenEveryKindOfChange(ProducerTestDatabase db) throws Exception {
        db.sql("CREATE TABLE shop.items (id int PRIMARY KEY, name text, body text)",
                "ALTER TABLE shop.items ALTER COLUMN body SET STORAGE EXTERNAL",
                "INSERT INTO shop.items SELECT i, 'item ' || i, repeat('b', 3000) FROM generate_series(1, 5) i",
                "CREATE TABLE shop.log (at int, msg text)",
                "ALTER TABLE shop.log REPLICA IDENTITY FULL");
        db.producer(db.settings(new SnapshotSettings(SnapshotMode.INITIAL, 100, 1), 1, "shop.items", "shop.log"),
                new SimpleMeterRegistry()).start();
        db.sql("INSERT INTO shop.items VALUES (6, 'six', 'short')",
                "UPDATE shop.items SET name = 'renamed' WHERE id = 2",
                "UPDATE shop.items SET id = 7 WHERE id = 3",
                "DELETE FROM shop.items WHERE id = 4",
                "INSERT INTO shop.log VALUES (1, 'a')",
                "UPDATE shop.log SET msg = 'b'",
                "ALTER TABLE shop.items ADD COLUMN price numeric(8,2)",
                "INSERT INTO shop.items VALUES (8, 'eight', NULL, 1.5)",
                "TRUNCATE shop.log");

        List<ChangeEvent> events = TopicReader.readUntil(db.kafkaBootstrapServers(), db.topic(),
                received -> received.stream().anyMatch(r -> r.event().op() == Operation.TRUNCATE),
                Duration.ofSeconds(60)).stream().map(Received::event).toList();

        List<ChangeEvent> reads = events.stream().filter(e -> e.op() == Operation.READ).toList();
        List<ChangeEvent> streamed = events.stream().filter(e -> e.op() != Operation.READ).toList();
        assertEquals(List.of(1, 2, 3, 4, 5), reads.stream().map(e -> e.key().get("id").asInt()).sorted().toList(),
                "the initial snapshot: " + events);
        assertEquals(List.of("c items {\"id\":6}", "u items {\"id\":2}", "u items {\"id\":7}", "d items {\"id\":4}",
                "c log {\"at\":1,\"msg\":\"a\"}", "u log {\"at\":1,\"msg\":\"b\"}", "c items {\"id\":8}", "t log {}"),
                streamed.stream().map(e -> e.op().code() + " " + e.tableId().table() + " " + e.key()).toList(),
                "the stream, in commit order");
        Lsn snapshotVersion = reads.get(0).source().lsn();
        assertTrue(streamed.stream().allMatch(e -> e.source().lsn().isAfter(snapshotVersion)),
                "every streamed change is versioned above the snapshot");
        assertEquals(List.of("body"), streamed.get(1).unchanged(), "the TOASTed value PostgreSQL did not send");
        assertEquals("{\"id\":3}", streamed.get(2).before().toString(), "the old key of a key change");
        assertEquals("{\"at\":1,\"msg\":\"a\"}", streamed.get(5).before().toString(), "a full before-image");
        assertEquals("{\"id\":8,\"name\":\"eight\",\"body\":null,\"price\":\"1.50\"}", streamed.get(6).after().toString(),
                "the column added mid-stream");
    }
}
