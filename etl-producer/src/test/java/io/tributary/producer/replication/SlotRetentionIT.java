package io.tributary.producer.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tributary.localstack.LocalStackExtension;
import io.tributary.localstack.RunningPostgres;
import io.tributary.shaping.source.PostgresEndpoint;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalStackExtension.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SlotRetentionIT {

    @Test
    void theGaugeFollowsTheWalTheSlotKeepsAndAMissingSlotChangesNothing(RunningPostgres postgres) throws Exception {
        postgres.createDatabase("slot_retention");
        PostgresEndpoint endpoint = new PostgresEndpoint(postgres.jdbcUrl("slot_retention"), postgres.user(),
                postgres.password());
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        try (Connection connection = endpoint.openQueryConnection();
             Statement sql = connection.createStatement();
             SlotRetention retention = new SlotRetention(endpoint, "retention_probe", Duration.ofMinutes(1),
                     metrics)) {
            retention.measureIfDue(0);
            assertEquals(0, retention.retainedBytes(), "no such slot yet: nothing measured");

            sql.execute("SELECT pg_create_logical_replication_slot('retention_probe', 'test_decoding')");
            try {
                sql.execute("CREATE TABLE filler (id int, pad text)");
                sql.execute("INSERT INTO filler SELECT g, repeat('x', 200) FROM generate_series(1, 2000) g");
                retention.measureIfDue(1);
                assertEquals(0, retention.retainedBytes(), "within the interval: not measured again");

                retention.measureIfDue(Duration.ofMinutes(1).toMillis());
                long first = retention.retainedBytes();
                assertTrue(first > 400_000, "2000 rows of 200 bytes are retained, measured " + first);
                assertEquals((double) first, metrics.get("tributary.producer.slot.retained.wal.bytes").gauge()
                        .value());

                sql.execute("INSERT INTO filler SELECT g, repeat('y', 200) FROM generate_series(1, 2000) g");
                retention.measureIfDue(Duration.ofMinutes(2).toMillis());
                assertTrue(retention.retainedBytes() > first, "more WAL kept: " + retention.retainedBytes());
            } finally {
                dropSlot(sql);
            }
        }
    }

    private static void dropSlot(Statement sql) throws SQLException {
        sql.execute("SELECT pg_drop_replication_slot('retention_probe')");
    }
}
