package io.tributary.producer.replication;

import io.tributary.config.PostgresTls;
import io.tributary.model.Lsn;
import io.tributary.model.TableId;
import io.tributary.shaping.source.PostgresEndpoint;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Startup checks of the database, each failing with what to change: logical decoding enabled, a role allowed to
 * replicate, and tables whose changes can be keyed. With {@code replica-identity = full} it sets REPLICA IDENTITY
 * FULL on every streamed table, so events carry complete before-images.
 */
public final class ServerChecks {

    private static final Logger LOG = LoggerFactory.getLogger(ServerChecks.class);

    private ServerChecks() {
    }

    /**
     * The first connection of a start: a server that cannot be reached or refuses the role stops the start with the
     * settings to check, instead of the driver's bare message.
     *
     * @throws IllegalStateException naming the URL, the role and the settings to check
     */
    public static Connection connect(PostgresEndpoint endpoint) {
        try {
            return endpoint.openQueryConnection();
        } catch (SQLException e) {
            throw cannotConnect(endpoint, e);
        }
    }

    /**
     * Why {@link #connect} failed: TLS (the handshake, or a server without it) names the ssl settings; otherwise
     * sorted by SQLSTATE: class 28 is the credentials, anything else the address.
     */
    static IllegalStateException cannotConnect(PostgresEndpoint endpoint, SQLException e) {
        Optional<String> tls = PostgresTls.describeFailure(e, endpoint.url());
        if (tls.isPresent()) {
            return new IllegalStateException(tls.get(), e);
        }
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.startsWith("28")) {
            return new IllegalStateException("PostgreSQL at " + endpoint.url() + " refused role " + endpoint.user()
                    + " (" + e.getMessage() + "); check tributary.postgres.user and tributary.postgres.password"
                    + " (and pg_hba.conf)", e);
        }
        return new IllegalStateException("PostgreSQL at " + endpoint.url() + " cannot be reached as "
                + endpoint.user() + " (" + e.getMessage() + "); check tributary.postgres.url and that the server is"
                + " up", e);
    }

    /** @throws IllegalStateException when wal_level is not logical */
    public static void requireLogicalWalLevel(Connection connection) throws SQLException {
        String walLevel = single(connection, "SHOW wal_level");
        if (!"logical".equals(walLevel)) {
            throw new IllegalStateException("PostgreSQL has wal_level = " + walLevel + "; logical decoding needs"
                    + " wal_level = logical (ALTER SYSTEM SET wal_level = logical, then restart PostgreSQL)");
        }
    }

    /** @throws IllegalStateException when the role may not open a replication connection */
    public static void requireReplicationPrivilege(Connection connection) throws SQLException {
        String role = single(connection, "SELECT current_user");
        String allowed = single(connection,
                "SELECT rolreplication OR rolsuper FROM pg_roles WHERE rolname = current_user");
        if (!"t".equals(allowed)) {
            throw new IllegalStateException("role " + role + " lacks the REPLICATION attribute; run"
                    + " ALTER ROLE " + role + " WITH REPLICATION (as a superuser), or configure tributary.postgres.user"
                    + " with a role that has it");
        }
    }

    /**
     * How far the server's WAL goes now: {@code pg_current_wal_lsn()}, or on a standby the WAL it received (else
     * replayed). Every change it ever decoded lies below.
     */
    public static Lsn currentWalPosition(Connection connection) throws SQLException {
        return Lsn.parse(single(connection, "SELECT CASE WHEN pg_is_in_recovery()"
                + " THEN coalesce(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()) ELSE pg_current_wal_lsn() END"));
    }

    /**
     * Warns about tables whose updates and deletes cannot be keyed (no primary key, and replica identity default
     * or nothing), or with {@code setFull} makes every table REPLICA IDENTITY FULL.
     */
    public static void checkReplicaIdentity(Connection connection, List<TableId> tables, boolean setFull)
            throws SQLException {
        List<TableId> unkeyed = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("SELECT c.relreplident,"
                + " EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary)"
                + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?")) {
            for (TableId table : tables) {
                query.setString(1, table.schema());
                query.setString(2, table.table());
                try (ResultSet result = query.executeQuery()) {
                    result.next();
                    String identity = result.getString(1);
                    boolean hasPrimaryKey = result.getBoolean(2);
                    if (setFull && !"f".equals(identity)) {
                        setFull(connection, table);
                    } else if ("n".equals(identity) || "d".equals(identity) && !hasPrimaryKey) {
                        unkeyed.add(table);
                    }
                }
            }
        }
        if (!unkeyed.isEmpty()) {
            LOG.warn("tables {} have no primary key and no replica identity columns: their changes cannot be keyed"
                    + " and will stop the producer; add a primary key, ALTER TABLE … REPLICA IDENTITY FULL (or USING"
                    + " INDEX), or set tributary.postgres.replica-identity = full", unkeyed);
        }
    }

    /**
     * On a server that {@linkplain ServerVersion#refusesFullIdentityWithUnpublishedGeneratedColumns refuses} UPDATE
     * and DELETE of a published table whose REPLICA IDENTITY FULL takes in an unpublished stored generated column:
     * refuses such tables (those FULL now, or every table with {@code setFull}) before the producer's publication
     * would break the application's writes to them. The publication publishes no generated column, as the events
     * leave them out on every major.
     *
     * @throws IllegalStateException naming each such table with its generated columns, and what to change
     */
    public static void requireNoGeneratedColumnsUnderFullIdentity(Connection connection, List<TableId> tables,
            boolean setFull, ServerVersion server) throws SQLException {
        if (!server.refusesFullIdentityWithUnpublishedGeneratedColumns()) {
            return;
        }
        List<String> refused = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("SELECT c.relreplident,"
                + " string_agg(a.attname, ', ' ORDER BY a.attnum) FROM pg_class c"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attgenerated = 's' AND NOT a.attisdropped"
                + " WHERE n.nspname = ? AND c.relname = ? GROUP BY c.relreplident")) {
            for (TableId table : tables) {
                query.setString(1, table.schema());
                query.setString(2, table.table());
                try (ResultSet result = query.executeQuery()) {
                    if (result.next() && (setFull || "f".equals(result.getString(1)))) {
                        refused.add(table + " (" + result.getString(2) + ")");
                    }
                }
            }
        }
        if (!refused.isEmpty()) {
            throw new IllegalStateException(server + " refuses UPDATE and DELETE of a published table whose REPLICA"
                    + " IDENTITY FULL includes generated columns the publication does not publish, and the producer"
                    + " publishes none; these tables " + (setFull ? "would be made REPLICA IDENTITY FULL"
                    + " (tributary.postgres.replica-identity = full)" : "are REPLICA IDENTITY FULL")
                    + " and have generated columns: " + String.join(", ", refused) + ". Key them by a primary key"
                    + " (REPLICA IDENTITY DEFAULT, and tributary.postgres.replica-identity = default) or a unique"
                    + " index (REPLICA IDENTITY USING INDEX), leave them out of tributary.postgres.tables, or use"
                    + " tributary.postgres.plugin = test_decoding (no publication)");
        }
    }

    private static void setFull(Connection connection, TableId table) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("ALTER TABLE " + Identifiers.qualified(table) + " REPLICA IDENTITY FULL");
            LOG.info("set REPLICA IDENTITY FULL on {} (tributary.postgres.replica-identity = full)", table);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot set REPLICA IDENTITY FULL on " + table + " ("
                    + e.getMessage() + "); the role must own the table, or set it yourself and use"
                    + " tributary.postgres.replica-identity = default", e);
        }
    }

    static String single(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            if (!result.next()) {
                throw new SQLException("no row from: " + sql);
            }
            return result.getString(1);
        }
    }
}
