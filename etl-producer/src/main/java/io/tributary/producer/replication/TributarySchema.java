package io.tributary.producer.replication;

import io.tributary.shaping.source.TableSelection;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The producer's own tables in the source database, all in schema {@code tributary} (which {@link TableSelection}
 * never streams): the snapshots' state, the incremental snapshots' ledger, the slots created. Each is created when
 * missing, which needs CREATE on the database; an administrator may create them beforehand.
 */
public final class TributarySchema {

    private TributarySchema() {
    }

    /** Whether {@code qualifiedName} (e.g. {@code tributary.slots}) exists. */
    public static boolean exists(Connection connection, String qualifiedName) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT to_regclass('" + qualifiedName + "') IS NOT NULL")) {
            result.next();
            return result.getBoolean(1);
        }
    }

    /**
     * Creates schema {@code tributary} and the table of {@code ddl} (a {@code CREATE TABLE} statement) unless the table
     * exists. (CREATE … IF NOT EXISTS checks the privilege even when the object exists, so look first.)
     */
    public static void createIfMissing(Connection connection, String qualifiedName, String ddl) throws SQLException {
        if (exists(connection, qualifiedName)) {
            return;
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA IF NOT EXISTS tributary");
            statement.execute(ddl.replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS"));
        }
    }
}
