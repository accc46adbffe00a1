package io.tributary.producer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tributary.localstack.LocalStackExtension;
import io.tributary.localstack.PostgresVersion;
import io.tributary.localstack.RunningKafka;
import io.tributary.localstack.RunningPostgres;
import io.tributary.localstack.testkit.TestDatabase;
import io.tributary.model.ChangeEvent;
import io.tributary.model.Lsn;
import io.tributary.model.Operation;
import io.tributary.producer.TopicReader.Received;
import io.tributary.producer.replication.OutputPlugin;
import io.tributary.producer.snapshot.SnapshotMode;
import io.tributary.producer.snapshot.SnapshotSettings;
import io.tributary.producer.stream.ServerBehindTopicException;
import io.tributary.shaping.source.PostgresEndpoint;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A server that went back in time while the producer was running (restored from a backup, or another server behind
 * the same address): the reconnect stops the producer instead of streaming changes Elasticsearch would refuse as
 * stale. The startup case (the topic ahead of the server) is in {@link ProducerResilienceIT}.
 */
@ExtendWith(LocalStackExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RestoredServerIT {

    private final RunningPostgres postgres;
    private final RunningKafka kafka;

    RestoredServerIT(RunningPostgres postgres, RunningKafka kafka) {
        this.postgres = postgres;
        this.kafka = kafka;
    }

    @Test
    void aServerBehindTheWalThisProducerReceivedStopsItAtTheReconnect(@PostgresVersion(14) RunningPostgres older)
            throws Exception {
        try (ProducerTestDatabase db = new ProducerTestDatabase(postgres, kafka, "restored");
             TcpForwarder address = new TcpForwarder(postgres.port())) {
            db.sql("CREATE TABLE shop.items (id int PRIMARY KEY)");
            EtlProducer producer = db.producer(db.keys(1, OutputPlugin.PGOUTPUT, "shop.items")
                    .with("tributary.postgres.snapshot.chunk-size", 100)
                    .with("tributary.postgres.snapshot.parallelism", 1)
                    .with("tributary.postgres.url", "jdbc:postgresql://127.0.0.1:" + address.port() + "/" + db.name())
                    .build(), new SimpleMeterRegistry());
            producer.start();
            Lsn olderPosition = Lsn.parse(currentWalPosition(older));
            while (!Lsn.parse(db.queryOne("SELECT pg_current_wal_lsn()")).isAfter(olderPosition)) {
                db.sql("INSERT INTO shop.items VALUES (0)", "DELETE FROM shop.items", "SELECT pg_switch_wal()");
            }
            db.sql("INSERT INTO shop.items VALUES (1)");
            List<Received> streamed = TopicReader.readUntil(kafka.bootstrapServers(), db.topic(),
                    received -> received.stream().anyMatch(RestoredServerIT::isRowOne), Duration.ofSeconds(60));
            ChangeEvent rowOne = streamed.stream().filter(RestoredServerIT::isRowOne).findFirst().orElseThrow()
                    .event();
            assertTrue(rowOne.source().lsn().isAfter(olderPosition), "streamed beyond the other server's WAL");

            older.createDatabase(db.name()); // the same database, restored to an earlier point, at the same address
            address.switchTo(older.port());

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (producer.failure().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            Throwable failure = producer.failure().orElseThrow(() -> new AssertionError("the producer went on"));
            assertTrue(failure instanceof ServerBehindTopicException, failure.toString());
            assertTrue(failure.getMessage().startsWith("this producer received WAL of database " + db.name()
                    + " up to "), failure.getMessage());
            assertTrue(failure.getMessage().contains("the database was restored to an earlier point"),
                    failure.getMessage());
        }
    }

    private static boolean isRowOne(Received received) {
        return received.event().op() == Operation.CREATE && received.event().key().path("id").asInt() == 1;
    }

    private static String currentWalPosition(RunningPostgres server) throws Exception {
        return TestDatabase.existing(server, "postgres").queryOne("SELECT pg_current_wal_lsn()");
    }
}
