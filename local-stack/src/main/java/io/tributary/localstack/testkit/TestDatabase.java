package io.tributary.localstack.testkit;

import io.tributary.localstack.RunningPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * One database of a {@link RunningPostgres} for a test: connections as the superuser, statements run one by one
 * ({@link #sql}) or in one transaction, single values read back, schemas created and dropped. Immutable and
 * thread-safe: every call opens its own connection.
 */
public final class TestDatabase {

    private final RunningPostgres postgres;
    private final String name;

    private TestDatabase(RunningPostgres postgres, String name) {
        this.postgres = postgres;
        this.name = name;
    }

    /** Creates database {@code name} on {@code postgres} unless it exists. */
    public static TestDatabase create(RunningPostgres postgres, String name) {
        postgres.createDatabase(name);
        return new TestDatabase(postgres, name);
    }

    /** Creates a database named {@code prefix_<a number unlikely to repeat>}, for a test that wants its own. */
    public static TestDatabase createUnique(RunningPostgres postgres, String prefix) {
        return create(postgres, prefix + "_" + System.nanoTime() % 1_000_000);
    }

    /** A database that exists already (or that the test creates itself); nothing is created. */
    public static TestDatabase existing(RunningPostgres postgres, String name) {
        return new TestDatabase(postgres, name);
    }

    public String name() {
        return name;
    }

    public RunningPostgres postgres() {
        return postgres;
    }

    /** {@code jdbc:postgresql://127.0.0.1:<port>/<name>}. */
    public String jdbcUrl() {
        return postgres.jdbcUrl(name);
    }

    /** A new connection as the superuser; the caller closes it. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), postgres.user(), postgres.password());
    }

    /** Runs each statement on one connection, each in its own transaction (autocommit). */
    public void sql(String... statements) throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    /**
     * {@link #sql}, retried every 200 ms (up to 50 times) while the server cannot be reached or is shutting down
     * (SQLSTATE class 08 or 57), for a test that restarts it; other errors are thrown at once.
     */
    public void sqlOnceReachable(String... statements) throws SQLException {
        SQLException last = null;
        for (int attempt = 0; attempt < 50; attempt++) {
            try {
                sql(statements);
                return;
            } catch (SQLException e) {
                if (e.getSQLState() == null || !e.getSQLState().startsWith("08") && !e.getSQLState().startsWith("57")) {
                    throw e;
                }
                last = e;
                try {
                    Thread.sleep(200);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
        throw last;
    }

    /** Runs the statements in one transaction, committed after the last. */
    public void inOneTransaction(String... statements) throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            for (String sql : statements) {
                statement.execute(sql);
            }
            connection.commit();
        }
    }

    /**
     * The first column of the first row of {@code query}, as text ({@code null} for SQL NULL).
     *
     * @throws SQLException also when the query returns no row, naming the query and the database
     */
    public String queryOne(String query) throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(query)) {
            if (!result.next()) {
                throw new SQLException("no row from '" + query + "' in database " + name);
            }
            return result.getString(1);
        }
    }

    /** {@link #queryOne} as a number, e.g. of {@code SELECT count(*) …}. */
    public long queryLong(String query) throws SQLException {
        String value = queryOne(query);
        if (value == null) {
            throw new SQLException("NULL from '" + query + "' in database " + name + ", expected a number");
        }
        return Long.parseLong(value);
    }

    /** {@code CREATE SCHEMA schema}, then {@code statements} (e.g. its tables). */
    public void createSchema(String schema, String... statements) throws SQLException {
        sql("CREATE SCHEMA " + schema);
        sql(statements);
    }

    /** {@code DROP SCHEMA IF EXISTS schema CASCADE}: its tables go with it. */
    public void dropSchema(String schema) throws SQLException {
        sql("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }

    @Override
    public String toString() {
        return "database " + name + " on " + postgres;
    }
}
