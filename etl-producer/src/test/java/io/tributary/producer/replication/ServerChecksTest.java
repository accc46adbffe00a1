package io.tributary.producer.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.shaping.source.PostgresEndpoint;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The startup checks' decisions and messages. A wal_level other than logical cannot be set on the shared test
 * server (its logical slots would stop it from starting), so the server's answers are played by a fake connection.
 */
class ServerChecksTest {

    /** A connection whose single-value queries answer from {@code answers} (SQL text to value). */
    private static Connection answering(Map<String, String> answers) {
        return (Connection) Proxy.newProxyInstance(ServerChecksTest.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "createStatement" -> statement(answers);
                    case "close" -> null;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static Statement statement(Map<String, String> answers) {
        return (Statement) Proxy.newProxyInstance(ServerChecksTest.class.getClassLoader(),
                new Class<?>[] {Statement.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "executeQuery" -> result(answers.get((String) args[0]));
                    case "close" -> null;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static ResultSet result(String value) {
        boolean[] read = {false};
        return (ResultSet) Proxy.newProxyInstance(ServerChecksTest.class.getClassLoader(),
                new Class<?>[] {ResultSet.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "next" -> {
                        boolean first = !read[0] && value != null;
                        read[0] = true;
                        yield first;
                    }
                    case "getString" -> value;
                    case "close" -> null;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void walLevelReplicaIsRefusedWithTheFix() {
        IllegalStateException error = assertThrows(IllegalStateException.class,
                () -> ServerChecks.requireLogicalWalLevel(answering(Map.of("SHOW wal_level", "replica"))));
        assertEquals("PostgreSQL has wal_level = replica; logical decoding needs wal_level = logical"
                + " (ALTER SYSTEM SET wal_level = logical, then restart PostgreSQL)", error.getMessage());
    }

    @Test
    void walLevelLogicalPasses() throws Exception {
        ServerChecks.requireLogicalWalLevel(answering(Map.of("SHOW wal_level", "logical")));
    }

    @Test
    void aServerThatDoesNotAnswerStopsTheStartNamingTheUrlSetting() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String url = "jdbc:postgresql://127.0.0.1:" + closedPort + "/app";

        IllegalStateException error = assertThrows(IllegalStateException.class,
                () -> ServerChecks.connect(new PostgresEndpoint(url, "tributary", "secret")));

        assertTrue(error.getMessage().startsWith("PostgreSQL at " + url + " cannot be reached as tributary ("),
                error.getMessage());
        assertTrue(error.getMessage().endsWith("; check tributary.postgres.url and that the server is up"),
                error.getMessage());
    }

    @Test
    void refusedCredentialsNameTheUserAndPasswordSettings() {
        PostgresEndpoint endpoint = new PostgresEndpoint("jdbc:postgresql://db:5432/app", "tributary", "wrong");

        IllegalStateException error = ServerChecks.cannotConnect(endpoint,
                new SQLException("FATAL: password authentication failed for user \"tributary\"", "28P01"));

        assertEquals("PostgreSQL at jdbc:postgresql://db:5432/app refused role tributary (FATAL: password"
                + " authentication failed for user \"tributary\"); check tributary.postgres.user and"
                + " tributary.postgres.password (and pg_hba.conf)", error.getMessage());
    }
}
