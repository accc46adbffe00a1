package io.tributary.producer.replication;

import io.tributary.model.Lsn;
import io.tributary.shaping.source.PostgresEndpoint;
import io.tributary.shaping.source.TableSelection;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Remembers durably, in the source database, every slot the producer created: one row per slot in
 * {@value #QUALIFIED_NAME}. A missing slot that has a row here was lost (dropped, invalidated, or absent on a
 * standby that became the primary: the row is replicated with the database, the slot is not) — whatever the topic
 * still holds, which after its retention or on a quiet database may be nothing of this database.
 *
 * <p>The schema and table are created when missing (CREATE on the database, as the snapshot's state needs); an
 * administrator may create them beforehand ({@link #DDL}). Without that right the producer warns and falls back to
 * the topic's recent events as its only evidence. To start over on purpose (a new topic, new indices), delete the
 * slot's row together with the slot.
 */
public final class CreatedSlots {

    private static final Logger LOG = LoggerFactory.getLogger(CreatedSlots.class);

    /** The table's name; {@code TableSelection} never streams the schema {@code tributary}. */
    public static final String QUALIFIED_NAME = "tributary.slots";

    static final String DDL = "CREATE TABLE " + QUALIFIED_NAME + " (slot_name text PRIMARY KEY,"
            + " created_at timestamptz NOT NULL, consistent_point pg_lsn NOT NULL)";

    private final PostgresEndpoint endpoint;

    public CreatedSlots(PostgresEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    /** When and where {@code slot} was created by a producer, as a sentence; empty when it never was. */
    public Optional<String> creationOf(String slot) throws SQLException {
        try (Connection connection = endpoint.openQueryConnection()) {
            if (!TributarySchema.exists(connection, QUALIFIED_NAME)) {
                return Optional.empty();
            }
            try (PreparedStatement query = connection.prepareStatement("SELECT created_at, consistent_point FROM "
                    + QUALIFIED_NAME + " WHERE slot_name = ?")) {
                query.setString(1, slot);
                try (ResultSet result = query.executeQuery()) {
                    return result.next() ? Optional.of(QUALIFIED_NAME + " records that a producer created it at "
                            + result.getString(1) + " (LSN " + result.getString(2) + ")") : Optional.empty();
                }
            }
        }
    }

    /** Records that {@code slot} was just created; a failure only weakens the evidence, so it is logged. */
    public void recordCreated(String slot, Lsn consistentPoint) {
        try (Connection connection = endpoint.openQueryConnection()) {
            TributarySchema.createIfMissing(connection, QUALIFIED_NAME, DDL);
            try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO " + QUALIFIED_NAME
                    + " (slot_name, created_at, consistent_point) VALUES (?, now(), CAST(? AS pg_lsn))"
                    + " ON CONFLICT (slot_name) DO UPDATE SET created_at = now(),"
                    + " consistent_point = EXCLUDED.consistent_point")) {
                upsert.setString(1, slot);
                upsert.setString(2, consistentPoint.toString());
                upsert.executeUpdate();
            }
        } catch (SQLException e) {
            LOG.warn("cannot record slot {} in {} ({}): a later loss of the slot is then recognised only while the"
                    + " topic holds events of this database. Give the role CREATE on the database, or create the"
                    + " table: CREATE SCHEMA tributary; {}", slot, QUALIFIED_NAME, e.getMessage(), DDL);
        }
    }
}
