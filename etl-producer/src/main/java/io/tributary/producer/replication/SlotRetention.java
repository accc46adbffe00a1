package io.tributary.producer.replication;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tributary.shaping.source.PostgresEndpoint;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures how much WAL the producer's slot makes PostgreSQL keep ({@code pg_current_wal_lsn() - restart_lsn}), as
 * the gauge {@code tributary.producer.slot.retained.wal.bytes}: the disk a stalled pipeline costs the database, and
 * what {@code max_slot_wal_keep_size} limits. Measured at a fixed interval on its own connection; a failure is
 * logged and retried at the next interval (the gauge keeps its last value), never a reason to stop streaming.
 * Not thread-safe: used by the replication thread.
 */
public final class SlotRetention implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SlotRetention.class);
    private static final String QUERY = "SELECT pg_current_wal_lsn() - restart_lsn FROM pg_replication_slots"
            + " WHERE slot_name = ?";

    private final String slot;
    private final long intervalMillis;
    private final AtomicLong retainedBytes = new AtomicLong();
    private final ReopeningConnection connection;
    private long lastMillis = Long.MIN_VALUE;

    public SlotRetention(PostgresEndpoint endpoint, String slot, Duration interval, MeterRegistry metrics) {
        this.connection = new ReopeningConnection(endpoint, "slot measurement");
        this.slot = slot;
        this.intervalMillis = interval.toMillis();
        Gauge.builder("tributary.producer.slot.retained.wal.bytes", retainedBytes, AtomicLong::get)
                .description("WAL PostgreSQL keeps for the slot (current WAL position minus the slot's restart_lsn)")
                .baseUnit("bytes").register(metrics);
    }

    /** Measures when the interval has passed since the last measurement (the first call always measures). */
    public void measureIfDue(long nowMillis) {
        if (lastMillis != Long.MIN_VALUE && nowMillis - lastMillis < intervalMillis) {
            return;
        }
        lastMillis = nowMillis;
        try (PreparedStatement query = connection.get().prepareStatement(QUERY)) {
            query.setString(1, slot);
            try (ResultSet result = query.executeQuery()) {
                if (result.next() && result.getObject(1) != null) {
                    retainedBytes.set(Math.max(0, result.getLong(1)));
                }
            }
        } catch (SQLException e) {
            LOG.warn("measuring the WAL retained by slot {} failed (retrying in {} ms): {}", slot, intervalMillis,
                    e.getMessage());
            close();
        }
    }

    /** The last measurement, in bytes. */
    public long retainedBytes() {
        return retainedBytes.get();
    }

    @Override
    public void close() {
        connection.close();
    }
}
