package io.tributary.producer.replication;

import io.tributary.model.Lsn;
import io.tributary.model.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;
import org.postgresql.replication.LogSequenceNumber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepares the database for streaming, once at startup: checks {@code wal_level}, checks the configured tables
 * exist, creates or updates the publication, and creates the logical slot (pgoutput) when missing.
 * Every problem is reported with what to change.
 */
public final class SlotSetup {

    private static final Logger LOG = LoggerFactory.getLogger(SlotSetup.class);

    private final PostgresEndpoint endpoint;

    public SlotSetup(PostgresEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    /** The name of the database the endpoint points at. */
    public String databaseName() throws SQLException {
        try (Connection connection = endpoint.openQueryConnection();
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT current_database()")) {
            result.next();
            return result.getString(1);
        }
    }

    /** @throws IllegalStateException when logical decoding is not enabled on the server */
    public void checkWalLevel() throws SQLException {
        try (Connection connection = endpoint.openQueryConnection();
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SHOW wal_level")) {
            result.next();
            String walLevel = result.getString(1);
            if (!"logical".equals(walLevel)) {
                throw new IllegalStateException("PostgreSQL at " + endpoint.url() + " has wal_level = " + walLevel
                        + "; logical decoding needs wal_level = logical (set it in postgresql.conf and restart)");
            }
        }
    }

    /**
     * Creates the publication for exactly {@code tables}, or sets its tables when it exists with others.
     *
     * @throws IllegalStateException naming every configured table that does not exist
     */
    public void ensurePublication(String publication, List<TableId> tables) throws SQLException {
        try (Connection connection = endpoint.openQueryConnection()) {
            requireTablesExist(connection, tables);
            String tableList = tables.stream().map(SlotSetup::quoted).collect(Collectors.joining(", "));
            Set<String> published = publishedTables(connection, publication);
            try (Statement statement = connection.createStatement()) {
                if (published == null) {
                    statement.execute("CREATE PUBLICATION " + quote(publication) + " FOR TABLE " + tableList);
                    LOG.info("created publication {} for {}", publication, tables);
                } else if (!published.equals(tables.stream().map(TableId::toString).collect(Collectors.toCollection(TreeSet::new)))) {
                    statement.execute("ALTER PUBLICATION " + quote(publication) + " SET TABLE " + tableList);
                    LOG.info("publication {} covered {}; now set to {}", publication, published, tables);
                }
            }
        }
    }

    /**
     * The slot's state, creating it (pgoutput) when missing.
     *
     * @throws IllegalStateException when a slot of that name exists but is not a pgoutput slot of this database
     */
    public SlotInfo ensureSlot(String slot) throws SQLException {
        try (Connection connection = endpoint.openQueryConnection()) {
            String database = connection.getCatalog();
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT plugin, slot_type, database, confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = ?")) {
                query.setString(1, slot);
                try (ResultSet result = query.executeQuery()) {
                    if (result.next()) {
                        String plugin = result.getString("plugin");
                        String slotDatabase = result.getString("database");
                        if (!"logical".equals(result.getString("slot_type")) || !"pgoutput".equals(plugin)
                                || !database.equals(slotDatabase)) {
                            throw new IllegalStateException("replication slot " + slot + " exists but is a "
                                    + result.getString("slot_type") + " slot of plugin " + plugin + " in database "
                                    + slotDatabase + "; expected a logical pgoutput slot in " + database
                                    + ". Choose another tributary.postgres.slot or drop that slot");
                        }
                        return new SlotInfo(slot, Lsn.parse(result.getString("confirmed_flush_lsn")), false);
                    }
                }
            }
        }
        return createSlot(slot);
    }

    private SlotInfo createSlot(String slot) throws SQLException {
        try (Connection replication = endpoint.openReplicationConnection()) {
            LogSequenceNumber consistentPoint = replication.unwrap(PGConnection.class).getReplicationAPI()
                    .createReplicationSlot().logical()
                    .withSlotName(slot)
                    .withOutputPlugin("pgoutput")
                    .make()
                    .getConsistentPoint();
            LOG.info("created logical replication slot {} (pgoutput) at {}", slot, consistentPoint.asString());
            return new SlotInfo(slot, Lsn.of(consistentPoint.asLong()), true);
        }
    }

    private static void requireTablesExist(Connection connection, List<TableId> tables) throws SQLException {
        List<String> missing = new java.util.ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            for (TableId table : tables) {
                query.setString(1, quoted(table));
                try (ResultSet result = query.executeQuery()) {
                    result.next();
                    if (!result.getBoolean(1)) {
                        missing.add(table.toString());
                    }
                }
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("tributary.postgres.tables names tables that do not exist in "
                    + connection.getCatalog() + ": " + missing + " (names are schema.table, as in the catalog)");
        }
    }

    /** The tables a publication covers, or null when it does not exist. */
    private static Set<String> publishedTables(Connection connection, String publication) throws SQLException {
        try (PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_publication WHERE pubname = ?")) {
            exists.setString(1, publication);
            try (ResultSet result = exists.executeQuery()) {
                if (!result.next()) {
                    return null;
                }
            }
        }
        Set<String> tables = new TreeSet<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = ?")) {
            query.setString(1, publication);
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    tables.add(result.getString(1) + "." + result.getString(2));
                }
            }
        }
        return tables;
    }

    private static String quoted(TableId table) {
        return quote(table.schema()) + "." + quote(table.table());
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
