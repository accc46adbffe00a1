package io.tributary.producer.replication;

import io.tributary.model.Lsn;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and creates the producer's logical slot, of the configured {@link OutputPlugin}. Whether a missing slot may be created is decided by
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
                throw new IllegalStateException("cannot create replication slot " + slot + ": all replication"
                        + " slots are in use (" + e.getMessage() + "); raise max_replication_slots or drop unused"
                        + " slots (SELECT slot_name, active FROM pg_replication_slots)", e);
            }
            throw e;
        }
    }
}
