package io.tributary.producer.replication;

import io.tributary.model.Lsn;
import io.tributary.shaping.source.PostgresEndpoint;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds, creates and drops the producer's logical slot, of the configured {@link OutputPlugin}; creates it with an
 * exported snapshot when the tables' rows are to be read as of the slot's start ({@link #createExportingSnapshot}). Whether a missing slot may be created is decided by
 * the caller: a slot that vanished after streaming is a gap, not a first start.
 */
public final class ReplicationSlots {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicationSlots.class);
    private static final String CONFIGURATION_LIMIT_EXCEEDED = "53400";

    private final PostgresEndpoint endpoint;
    private final OutputPlugin plugin;

    /** Slots of {@link OutputPlugin#PGOUTPUT}. */
    public ReplicationSlots(PostgresEndpoint endpoint) {
        this(endpoint, OutputPlugin.PGOUTPUT);
    }

    /** @param plugin the plugin slots are created with, and existing slots must have */
    public ReplicationSlots(PostgresEndpoint endpoint, OutputPlugin plugin) {
        this.endpoint = endpoint;
        this.plugin = plugin;
    }

    /**
     * @throws IllegalStateException when a slot of that name exists but is not a logical slot of the configured
     *                               plugin in this database
     */
    public Optional<SlotInfo> find(String slot) throws SQLException {
        try (Connection connection = endpoint.openQueryConnection();
             PreparedStatement query = connection.prepareStatement(
                     "SELECT plugin, slot_type, database, confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = ?")) {
            query.setString(1, slot);
            try (ResultSet result = query.executeQuery()) {
                if (!result.next()) {
                    return Optional.empty();
                }
                String database = connection.getCatalog();
                String plugin = result.getString("plugin");
                String slotDatabase = result.getString("database");
                if (!"logical".equals(result.getString("slot_type")) || !this.plugin.pluginName().equals(plugin)
                        || !database.equals(slotDatabase)) {
                    throw new IllegalStateException("replication slot " + slot + " exists but is a "
                            + result.getString("slot_type") + " slot of plugin " + plugin + " in database "
                            + slotDatabase + "; expected a logical " + this.plugin.pluginName() + " slot in "
                            + database + ". Choose another tributary.postgres.slot (or tributary.postgres.plugin)"
                            + " or drop that slot");
                }
                return Optional.of(new SlotInfo(slot, Lsn.parse(result.getString("confirmed_flush_lsn")), false));
            }
        }
    }

    /**
     * Creates the slot.
     *
     * @param failover create it with the FAILOVER option (PostgreSQL 17+), so standbys keep a synchronised copy
     * @throws IllegalStateException naming the limit when every replication slot is in use
     */
    public SlotInfo create(String slot, boolean failover) throws SQLException {
        try (Connection connection = endpoint.openQueryConnection();
             PreparedStatement create = connection.prepareStatement(failover
                     ? "SELECT lsn FROM pg_create_logical_replication_slot(?, ?, false, false, true)"
                     : "SELECT lsn FROM pg_create_logical_replication_slot(?, ?)")) {
            create.setString(1, slot);
            create.setString(2, plugin.pluginName());
            try (ResultSet result = create.executeQuery()) {
                result.next();
                Lsn consistentPoint = Lsn.parse(result.getString(1));
                LOG.info("created logical replication slot {} ({}{}) at {}", slot, plugin.pluginName(),
                        failover ? ", failover" : "", consistentPoint);
                return new SlotInfo(slot, consistentPoint, true);
            }
        } catch (SQLException e) {
            if (CONFIGURATION_LIMIT_EXCEEDED.equals(e.getSQLState())) {
                throw slotsExhausted(slot, e);
            }
            throw e;
        }
    }

    /**
     * Creates the slot on a replication connection and exports the snapshot of its consistent point. The returned
     * object holds that connection: close it once every reader has imported the snapshot.
     *
     * @param failover create it with the FAILOVER option (PostgreSQL 17+, checked at startup)
     * @throws IllegalStateException naming the limit when every replication slot is in use
     */
    public ExportedSnapshot createExportingSnapshot(String slot, boolean failover) throws SQLException {
        Connection replication = endpoint.openReplicationConnection();
        try {
            String command = ServerVersion.of(replication).createSlotCommand(slot, plugin, failover);
            String snapshotName;
            Lsn consistentPoint;
            try (Statement statement = replication.createStatement();
                 ResultSet result = statement.executeQuery(command)) {
                result.next();
                consistentPoint = Lsn.parse(result.getString("consistent_point"));
                snapshotName = result.getString("snapshot_name");
            }
            Lsn restartLsn = restartLsnOf(slot);
            LOG.info("created logical replication slot {} ({}{}) at {} (restart_lsn {}), exporting snapshot {}", slot,
                    plugin.pluginName(), failover ? ", failover" : "", consistentPoint, restartLsn, snapshotName);
            return new ExportedSnapshot(new SlotInfo(slot, consistentPoint, true), snapshotName, restartLsn,
                    replication);
        } catch (SQLException e) {
            replication.close();
            if (CONFIGURATION_LIMIT_EXCEEDED.equals(e.getSQLState())) {
                throw slotsExhausted(slot, e);
            }
            throw e;
        } catch (RuntimeException e) {
            replication.close();
            throw e;
        }
    }

    /**
     * Why PostgreSQL invalidated the slot, if it did: {@code wal_status = lost} (PostgreSQL 13+: the WAL it needed was
     * removed, after {@code max_slot_wal_keep_size}) or an {@code invalidation_reason} (PostgreSQL 17+, see
     * {@link ServerVersion#slotInvalidationColumns}: also rows
     * removed on a standby, {@code wal_level} lowered, {@code idle_replication_slot_timeout}). Such a slot can never
     * stream again; it is lost as if it had been dropped. Empty when the slot is missing or usable.
     */
    public Optional<String> invalidation(String slot) throws SQLException {
        try (Connection connection = endpoint.openQueryConnection();
             PreparedStatement query = connection.prepareStatement("SELECT "
                     + ServerVersion.of(connection).slotInvalidationColumns()
                     + " FROM pg_replication_slots WHERE slot_name = ?")) {
            query.setString(1, slot);
            try (ResultSet result = query.executeQuery()) {
                if (!result.next()) {
                    return Optional.empty();
                }
                String walStatus = result.getString(1);
                String reason = result.getString(2);
                if (reason == null && !"lost".equals(walStatus)) {
                    return Optional.empty();
                }
                return Optional.of("PostgreSQL invalidated it (wal_status = " + walStatus
                        + (reason == null ? "" : ", invalidation_reason = " + reason) + ")"
                        + ("wal_removed".equals(reason) || reason == null ? ": the WAL it still needed was removed,"
                        + " because it retained more than max_slot_wal_keep_size while the producer was behind or"
                        + " stopped" : ""));
            }
        }
    }

    /**
     * Ends the walsender still streaming {@code slot} for someone else, and waits (up to 10 s) until the slot is free.
     * Called only by the holder of the slot's lock: whoever streams the slot without the lock is a producer whose
     * node vanished (PostgreSQL would end its walsender only after {@code wal_sender_timeout}), or a session of
     * this producer that is still ending.
     */
    public void releaseFromAbandonedStream(String slot) throws SQLException, InterruptedException {
        try (Connection connection = endpoint.openQueryConnection()) {
            Integer pid = activePid(connection, slot);
            if (pid == null) {
                return;
            }
            LOG.warn("slot {} is still streamed by backend {} although this producer holds its lock: a producer"
                    + " whose node vanished, or a session ending; terminating that backend", slot, pid);
            try (PreparedStatement terminate = connection.prepareStatement("SELECT pg_terminate_backend(?)")) {
                terminate.setInt(1, pid);
                terminate.execute();
            } catch (SQLException e) {
                LOG.warn("cannot terminate backend {} streaming slot {} ({}); waiting for PostgreSQL to end it"
                        + " (wal_sender_timeout)", pid, slot, e.getMessage());
                return;
            }
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
            while (activePid(connection, slot) != null && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        }
    }

    private static Integer activePid(Connection connection, String slot) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT active_pid FROM pg_replication_slots WHERE slot_name = ? AND active_pid IS NOT NULL")) {
            query.setString(1, slot);
            try (ResultSet result = query.executeQuery()) {
                return result.next() ? result.getInt(1) : null;
            }
        }
    }

    /** Drops the slot (it must not be streamed by anyone: the caller holds the slot's lock). */
    public void drop(String slot) throws SQLException {
        try (Connection connection = endpoint.openQueryConnection();
             PreparedStatement drop = connection.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
            drop.setString(1, slot);
            drop.execute();
            LOG.info("dropped logical replication slot {}", slot);
        }
    }

    private Lsn restartLsnOf(String slot) throws SQLException {
        try (Connection connection = endpoint.openQueryConnection();
             PreparedStatement query = connection.prepareStatement(
                     "SELECT restart_lsn FROM pg_replication_slots WHERE slot_name = ?")) {
            query.setString(1, slot);
            try (ResultSet result = query.executeQuery()) {
                if (!result.next() || result.getString(1) == null) {
                    throw new IllegalStateException("replication slot " + slot + " was just created but"
                            + " pg_replication_slots shows no restart_lsn for it");
                }
                return Lsn.parse(result.getString(1));
            }
        }
    }

    private static IllegalStateException slotsExhausted(String slot, SQLException e) {
        return new IllegalStateException("cannot create replication slot " + slot + ": all replication"
                + " slots are in use (" + e.getMessage() + "); raise max_replication_slots or drop unused"
                + " slots (SELECT slot_name, active FROM pg_replication_slots)", e);
    }
}
