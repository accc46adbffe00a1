package io.tributary.producer.snapshot;

import io.tributary.model.Lsn;
import io.tributary.producer.replication.TributarySchema;
import io.tributary.shaping.source.PostgresEndpoint;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Remembers durably, in the source database, whether the snapshot of a slot finished: one row per slot in
 * {@value #QUALIFIED_NAME}, written as started <em>before</em> the slot is created and as completed only after Kafka
 * acknowledged the snapshot's last event. A slot whose row is not completed had its snapshot interrupted; an
 * exported snapshot cannot be imported again, so the slot must be dropped and the snapshot redone. No row at all
 * (a slot created before snapshots existed, or under mode {@code never}) means nothing is pending.
 *
 * <p>The schema and table are created on the first snapshot when missing (which needs CREATE on the database, as
 * the publication does); an administrator may create them beforehand instead ({@link #DDL}).
 */
public final class SnapshotStateTable {

    /** The table's name; {@code TableSelection} never streams it. */
    public static final String QUALIFIED_NAME = "tributary.snapshots";

    static final String DDL = "CREATE TABLE " + QUALIFIED_NAME + " (slot_name text PRIMARY KEY,"
            + " started_at timestamptz NOT NULL, completed_at timestamptz, consistent_point pg_lsn, rows bigint)";

    private final PostgresEndpoint endpoint;

    public SnapshotStateTable(PostgresEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    /** Whether a snapshot of {@code slot} was started and never completed. */
    public boolean isUnfinished(String slot) throws SQLException {
        try (Connection connection = endpoint.openQueryConnection()) {
            if (!TributarySchema.exists(connection, QUALIFIED_NAME)) {
                return false;
            }
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT completed_at IS NULL FROM " + QUALIFIED_NAME + " WHERE slot_name = ?")) {
                query.setString(1, slot);
                try (ResultSet result = query.executeQuery()) {
                    return result.next() && result.getBoolean(1);
                }
            }
        }
    }

    /** Records that a snapshot of {@code slot} begins (before the slot is created). */
    void markStarted(String slot) throws SQLException {
        try (Connection connection = endpoint.openQueryConnection()) {
            TributarySchema.createIfMissing(connection, QUALIFIED_NAME, DDL);
            try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO " + QUALIFIED_NAME
                    + " (slot_name, started_at) VALUES (?, now()) ON CONFLICT (slot_name) DO UPDATE"
                    + " SET started_at = now(), completed_at = NULL, consistent_point = NULL, rows = NULL")) {
                upsert.setString(1, slot);
                upsert.executeUpdate();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record the start of the snapshot of slot " + slot + " in "
                    + QUALIFIED_NAME + " (" + e.getMessage() + "); the role needs CREATE on the database and the"
                    + " right to write that table, or create it yourself: CREATE SCHEMA tributary; " + DDL
                    + "; or set tributary.postgres.snapshot.mode = never", e);
        }
    }

    /** Records that every row of the snapshot of {@code slot} is in Kafka. */
    void markCompleted(String slot, Lsn consistentPoint, long rows) throws SQLException {
        try (Connection connection = endpoint.openQueryConnection();
             PreparedStatement update = connection.prepareStatement("UPDATE " + QUALIFIED_NAME
                     + " SET completed_at = now(), consistent_point = CAST(? AS pg_lsn), rows = ? WHERE slot_name = ?")) {
            update.setString(1, consistentPoint.toString());
            update.setLong(2, rows);
            update.setString(3, slot);
            if (update.executeUpdate() != 1) {
                throw new IllegalStateException("the row of slot " + slot + " in " + QUALIFIED_NAME
                        + " vanished during its snapshot; was the table changed by hand?");
            }
        }
    }
}
