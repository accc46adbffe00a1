package io.tributary.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.PGReplicationStream;

/** PostgreSQL 14 beside the default 17: what the producer relies on works on the older major too. */
@ExtendWith(LocalStackExtension.class)
class PostgresMajorsIT {

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void startsFourteenAndSeventeenSideBySide(RunningPostgres postgres17,
            @PostgresVersion(14) RunningPostgres postgres14) throws SQLException {
        assertEquals(17, postgres17.majorVersion());
        assertEquals(14, postgres14.majorVersion());
        assertTrue(serverVersion(postgres17).startsWith("17."), serverVersion(postgres17));
        assertTrue(serverVersion(postgres14).startsWith("14."), serverVersion(postgres14));
        assertNotEquals(postgres17.port(), postgres14.port());

        assertSame(postgres17, LocalStack.postgres());
        assertSame(postgres14, LocalStack.postgres(14));
        assertSame(postgres14, LocalStack.postgres(PostgresMajor.V14));
        assertTrue(Files.exists(Path.of("target", "local-stack", "postgres14-" + postgres14.port())));
        assertTrue(Files.exists(Path.of("target", "local-stack", "postgres17-" + postgres17.port())));
    }

    /**
     * pgoutput proto_version 1 with logical messages on 14, letter by letter. The first transaction changes only an
     * unpublished table: 14 still sends its BEGIN and COMMIT (15 and later skip it).
     */
    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void fourteenStreamsPgoutputVersionOneWithLogicalMessages(@PostgresVersion(14) RunningPostgres postgres)
            throws Exception {
        String url = postgres.createDatabase("pgoutput_14_it");
        try (Connection connection = DriverManager.getConnection(url, postgres.user(), postgres.password());
                Statement statement = connection.createStatement()) {
            assertEquals("logical", singleValue(statement, "SHOW wal_level"));
            statement.execute("CREATE TABLE orders (id bigint PRIMARY KEY, note text)");
            statement.execute("CREATE TABLE unpublished (id int)");
            statement.execute("CREATE PUBLICATION orders_pub FOR TABLE orders");
        }

        List<Character> letters = new ArrayList<>();
        String messageContent;
        try (Connection replication = DriverManager.getConnection(url, replicationProperties(postgres))) {
            PGConnection pg = replication.unwrap(PGConnection.class);
            pg.getReplicationAPI().createReplicationSlot().logical()
                    .withSlotName("it_slot_14").withOutputPlugin("pgoutput").make();
            try (Connection connection = DriverManager.getConnection(url, postgres.user(), postgres.password());
                    Statement statement = connection.createStatement()) {
                statement.execute("INSERT INTO unpublished VALUES (1)");
                statement.execute("SELECT pg_logical_emit_message(true, 'tributary', 'hello')");
                statement.execute("INSERT INTO orders VALUES (1, 'first')");
            }
            try (PGReplicationStream stream = pg.getReplicationAPI().replicationStream().logical()
                    .withSlotName("it_slot_14")
                    .withSlotOption("proto_version", 1)
                    .withSlotOption("publication_names", "orders_pub")
                    .withSlotOption("messages", true)
                    .start()) {
                messageContent = readLetters(stream, 9, letters);
            }
        }
        assertEquals(List.of('B', 'C', 'B', 'M', 'C', 'B', 'R', 'I', 'C'), letters);
        assertEquals("tributary:hello", messageContent);

        try (Connection connection = DriverManager.getConnection(url, postgres.user(), postgres.password());
                Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_drop_replication_slot('it_slot_14')");
        }
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void fourteenDecodesWithTestDecoding(@PostgresVersion(14) RunningPostgres postgres) throws SQLException {
        String url = postgres.createDatabase("test_decoding_14_it");
        try (Connection connection = DriverManager.getConnection(url, postgres.user(), postgres.password());
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE items (id int PRIMARY KEY)");
            statement.execute("SELECT pg_create_logical_replication_slot('td_slot_14', 'test_decoding')");
            statement.execute("INSERT INTO items VALUES (7)");

            String changes = allValues(statement, "SELECT data FROM pg_logical_slot_get_changes('td_slot_14', NULL,"
                    + " NULL)");
            statement.execute("SELECT pg_drop_replication_slot('td_slot_14')");

            assertTrue(changes.contains("table public.items: INSERT: id[integer]:7"), changes);
        }
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void fourteenKeepsItsDataAcrossStopAndStartWhileSeventeenRuns(@PostgresVersion(14) RunningPostgres postgres14,
            RunningPostgres postgres17) throws SQLException {
        String url = postgres14.createDatabase("restart_14_it");
        int port = postgres14.port();
        try (Connection connection = DriverManager.getConnection(url, postgres14.user(), postgres14.password());
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE kept (id int)");
            statement.execute("INSERT INTO kept VALUES (14)");
        }

        postgres14.stop();
        assertTrue(serverVersion(postgres17).startsWith("17."), "17 runs on while 14 is stopped");
        postgres14.start();

        assertEquals(port, postgres14.port());
        assertEquals(14, postgres14.majorVersion());
        try (Connection connection = DriverManager.getConnection(url, postgres14.user(), postgres14.password());
                Statement statement = connection.createStatement()) {
            assertEquals("14", singleValue(statement, "SELECT id FROM kept"));
        }
    }

    /**
     * Reads {@code count} pgoutput messages, adding each one's letter to {@code letters}; returns the prefix and
     * content of the first logical message ('M') as {@code prefix:content}.
     */
    private static String readLetters(PGReplicationStream stream, int count, List<Character> letters)
            throws SQLException, InterruptedException {
        String messageContent = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (letters.size() < count && System.nanoTime() < deadline) {
            ByteBuffer message = stream.readPending();
            if (message == null) {
                Thread.sleep(10);
                continue;
            }
            char letter = (char) message.get(message.position());
            letters.add(letter);
            if (letter == 'M' && messageContent == null) {
                messageContent = logicalMessage(message.slice());
            }
        }
        return messageContent;
    }

    /** 'M', flags (int8), LSN (int64), prefix (C string), content length (int32), content: as prefix:content. */
    private static String logicalMessage(ByteBuffer message) {
        message.position(1 + 1 + 8);
        int prefixEnd = message.position();
        while (message.get(prefixEnd) != 0) {
            prefixEnd++;
        }
        byte[] prefix = new byte[prefixEnd - message.position()];
        message.get(prefix).get(); // and the terminating zero
        byte[] content = new byte[message.getInt()];
        message.get(content);
        return new String(prefix, StandardCharsets.UTF_8) + ":" + new String(content, StandardCharsets.UTF_8);
    }

    private static String serverVersion(RunningPostgres postgres) throws SQLException {
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl("postgres"), postgres.user(),
                postgres.password());
                Statement statement = connection.createStatement()) {
            return singleValue(statement, "SHOW server_version");
        }
    }

    private static String singleValue(Statement statement, String sql) throws SQLException {
        try (ResultSet result = statement.executeQuery(sql)) {
            assertTrue(result.next(), sql);
            return result.getString(1);
        }
    }

    private static String allValues(Statement statement, String sql) throws SQLException {
        StringBuilder values = new StringBuilder();
        try (ResultSet result = statement.executeQuery(sql)) {
            while (result.next()) {
                values.append(result.getString(1)).append('\n');
            }
        }
        return values.toString();
    }

    private static Properties replicationProperties(RunningPostgres postgres) {
        Properties properties = new Properties();
        PGProperty.USER.set(properties, postgres.user());
        PGProperty.PASSWORD.set(properties, postgres.password());
        PGProperty.REPLICATION.set(properties, "database");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(properties, "10");
        PGProperty.PREFER_QUERY_MODE.set(properties, "simple");
        return properties;
    }
}
