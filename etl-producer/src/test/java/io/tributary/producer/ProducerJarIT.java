package io.tributary.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.tributary.localstack.LocalStackExtension;
import io.tributary.localstack.RunningKafka;
import io.tributary.localstack.RunningPostgres;
import io.tributary.localstack.testkit.TestDatabase;
import io.tributary.model.ChangeEvent;
import io.tributary.model.Lsn;
import io.tributary.model.Operation;
import io.tributary.model.SourceInfo;
import io.tributary.producer.TopicReader.Received;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The runnable jar as operators run it: configured by environment variables, stopped by SIGTERM. */
@ExtendWith(LocalStackExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ProducerJarIT {

    private static final Path JAR = Path.of("target", "etl-producer.jar");

    @Test
    void configurationMistakeExitsWithStatus2NamingTheKeyAndItsVariable() throws Exception {
        Process process = start(Map.of("TRIBUTARY_POSTGRES_USER", "x", "TRIBUTARY_POSTGRES_TABLES", "public.t",
                "TRIBUTARY_KAFKA_BOOTSTRAP_SERVERS", "localhost:1"), Path.of("target", "producer-jar-config.log"));

        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        String output = Files.readString(Path.of("target", "producer-jar-config.log"));
        assertEquals(2, process.exitValue(), output);
        assertTrue(output.contains("tributary.postgres.url is required but not set")
                && output.contains("TRIBUTARY_POSTGRES_URL"), output);
    }

    @Test
    void sigtermWaitsForKafkaThenConfirmsTheLastTransactionToPostgres(RunningPostgres postgres, RunningKafka kafka)
            throws Exception {
        String database = "producer_jar_" + System.nanoTime() % 100_000;
        TestDatabase db = TestDatabase.create(postgres, database);
        String url = db.jdbcUrl();
        db.sql("CREATE TABLE public.items (id int PRIMARY KEY, name text)");
        int httpPort = freePort();
        String topic = "producer-jar-" + database;
        Path log = Path.of("target", "producer-jar-" + database + ".log");
        Process process = start(itemsProducer(postgres, database, kafka, topic, httpPort), log);
        try {
            awaitReady(httpPort, process, log);
            db.sql("INSERT INTO public.items SELECT g, 'item ' || g FROM generate_series(1, 500) g");
            List<Received> records = TopicReader.readAtLeast(kafka.bootstrapServers(), topic, 500, Duration.ofSeconds(60));
            assertEquals(500, records.size());
            Lsn commitOfTheInsert = records.get(0).event().source().commitLsn();

            process.destroy();
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the producer stops within a minute of SIGTERM");

            assertEquals(143, process.exitValue(), "a JVM ends on SIGTERM with 128+15 after its shutdown hooks");
            assertTrue(Files.readString(log).contains("stopped streaming slot slot_" + database), "graceful stop logged");
            Lsn confirmed = Lsn.parse(db.queryOne("SELECT confirmed_flush_lsn FROM pg_replication_slots"
                    + " WHERE slot_name = 'slot_" + database + "'"));
            assertTrue(confirmed.isAfter(commitOfTheInsert), "confirmed " + confirmed
                    + " must pass the commit record at " + commitOfTheInsert + " so a restart does not resend it");
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void aTopicAheadOfTheServersWalExitsWithStatus1NamingBothPositions(RunningPostgres postgres, RunningKafka kafka)
            throws Exception {
        String database = "producer_jar_restored_" + System.nanoTime() % 100_000;
        TestDatabase db = TestDatabase.create(postgres, database);
        String url = db.jdbcUrl();
        db.sql("CREATE TABLE public.items (id int PRIMARY KEY)");
        String topic = "producer-jar-" + database;
        kafka.createTopic(topic, 2);
        Lsn ahead = Lsn.parse("FFFF/0");
        TopicWriter.send(kafka.bootstrapServers(), topic, new ChangeEvent(Operation.CREATE,
                new SourceInfo(database, "public", "items", ahead, ahead, 7, Instant.now()),
                JsonNodeFactory.instance.objectNode().put("id", 1), null,
                JsonNodeFactory.instance.objectNode().put("id", 1)));
        Path log = Path.of("target", "producer-jar-" + database + ".log");
        Process process = start(itemsProducer(postgres, database, kafka, topic, freePort()), log);
        try {
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the producer stops at startup");
            String output = Files.readString(log);
            assertEquals(1, process.exitValue(), output);
            assertTrue(output.contains("holds events of database " + database + " up to LSN FFFF/0 (public.items),"
                    + " but the server's current WAL position is "), output);
            assertTrue(output.contains("the database was restored to an earlier point"), output);
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void killMinus9MidWorkloadThenRestartLosesNoCommittedChangeAndKeepsCommitOrder(RunningPostgres postgres,
                                                                                 RunningKafka kafka) throws Exception {
        String database = "producer_kill_" + System.nanoTime() % 100_000;
        TestDatabase db = TestDatabase.create(postgres, database);
        String url = db.jdbcUrl();
        db.sql("CREATE TABLE public.items (id int PRIMARY KEY, n int NOT NULL)");
        String topic = "producer-kill-" + database;
        Map<String, String> environment = Map.of(
                "TRIBUTARY_POSTGRES_URL", url,
                "TRIBUTARY_POSTGRES_USER", postgres.user(),
                "TRIBUTARY_POSTGRES_SLOT", "slot_" + database,
                "TRIBUTARY_POSTGRES_TABLES", "public.items",
                "TRIBUTARY_POSTGRES_STATUS_INTERVAL", "100ms",
                "TRIBUTARY_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "TRIBUTARY_KAFKA_TOPIC", topic,
                "TRIBUTARY_HTTP_PORT", String.valueOf(freePort()));
        int transactions = 1500;
        Process first = start(environment, Path.of("target", "producer-kill-1-" + database + ".log"));
        Process second = null;
        try (Connection writer = db.connect();
             Statement statement = writer.createStatement()) {
            awaitReady(Integer.parseInt(environment.get("TRIBUTARY_HTTP_PORT")), first,
                    Path.of("target", "producer-kill-1-" + database + ".log"));
            for (int i = 1; i <= transactions; i++) {
                statement.execute("INSERT INTO public.items VALUES (" + i + ", 0)");
                if (i % 3 == 0) {
                    statement.execute("UPDATE public.items SET n = n + 1 WHERE id = " + (i - 1));
                }
                if (i == transactions / 3) {
                    first.destroyForcibly().waitFor();
                }
                if (i == 2 * transactions / 3) {
                    second = start(environment, Path.of("target", "producer-kill-2-" + database + ".log"));
                }
            }
        } finally {
            first.destroyForcibly();
        }
        try {
            int changes = transactions + transactions / 3;
            List<Received> records = TopicReader.readAtLeast(kafka.bootstrapServers(), topic, changes,
                    Duration.ofSeconds(120));

            List<Lsn> firstSeen = records.stream().map(r -> r.event().source().lsn()).distinct().toList();
            assertEquals(changes, firstSeen.size(), "every committed change at least once (records incl. replays: "
                    + records.size() + ")");
            assertEquals(firstSeen.stream().sorted().toList(), firstSeen,
                    "in commit order: only replays of already sent changes may repeat");
            assertTrue(records.stream().filter(r -> r.event().op() == io.tributary.model.Operation.CREATE)
                    .map(r -> r.event().key().get("id").asInt()).distinct().count() == transactions);
        } finally {
            if (second != null) {
                second.destroy();
                second.waitFor(30, TimeUnit.SECONDS);
                second.destroyForcibly();
            }
        }
    }

    @Test
    void whenTheActiveProducersNodeVanishesTheReadyStandbyTakesOverWithinTheTakeoverTimeout(RunningPostgres postgres,
                                                                                         RunningKafka kafka)
            throws Exception {
        String database = "producer_vanish_" + System.nanoTime() % 100_000;
        TestDatabase db = TestDatabase.create(postgres, database);
        String url = db.jdbcUrl();
        db.sql("CREATE TABLE public.items (id int PRIMARY KEY, name text)");
        String topic = "producer-vanish-" + database;
        int activePort = freePort();
        int standbyPort = freePort();
        Map<String, String> environment = new java.util.HashMap<>(itemsProducer(postgres, database, kafka, topic,
                activePort));
        environment.put("TRIBUTARY_POSTGRES_TAKEOVER_TIMEOUT", "4s");
        Path activeLog = Path.of("target", "producer-vanish-active-" + database + ".log");
        Path standbyLog = Path.of("target", "producer-vanish-standby-" + database + ".log");
        Process active = start(environment, activeLog);
        Process standby = null;
        try {
            awaitStatus(activePort, "/health/active", 200, active, activeLog);
            environment.put("TRIBUTARY_HTTP_PORT", String.valueOf(standbyPort));
            standby = start(environment, standbyLog);
            awaitStatus(standbyPort, "/health/ready", 200, standby, standbyLog);
            assertEquals(503, status(standbyPort, "/health/active"), "a standby is ready, but not active");
            db.sql("INSERT INTO public.items VALUES (1, 'from the first producer')");
            assertEquals(1, TopicReader.readAtLeast(kafka.bootstrapServers(), topic, 1, Duration.ofSeconds(30)).size());

            int lockPort = Integer.parseInt(db.queryOne("SELECT a.client_port FROM pg_locks l"
                    + " JOIN pg_stat_activity a USING (pid) WHERE l.locktype = 'advisory' AND l.granted"
                    + " AND a.datname = current_database()"));
            int streamPort = Integer.parseInt(db.queryOne("SELECT a.client_port FROM pg_replication_slots s"
                    + " JOIN pg_stat_activity a ON a.pid = s.active_pid WHERE s.slot_name = 'slot_" + database + "'"));
            long vanishedAt;
            try (NetworkStall stall = NetworkStall.of(lockPort, streamPort).orElseThrow(() ->
                    new org.opentest4j.TestAbortedException("needs root and tc to cut a connection"))) {
                signal("STOP", active); // the node is gone: no process answers, no packet goes through
                vanishedAt = System.nanoTime();
                awaitStatus(standbyPort, "/health/active", 200, standby, standbyLog);
                long takeoverSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - vanishedAt);
                assertTrue(takeoverSeconds < 20, "took over after " + takeoverSeconds + " s; takeover-timeout is 4 s");
                db.sql("INSERT INTO public.items VALUES (2, 'from the standby')");
                assertEquals(List.of(1L, 2L), TopicReader.readAtLeast(kafka.bootstrapServers(), topic, 2,
                        Duration.ofSeconds(30)).stream().map(r -> r.event().key().get("id").asLong()).distinct()
                        .toList());
            }
            signal("CONT", active); // the old node comes back: it must find its lock gone and wait as a standby
            awaitStatus(activePort, "/health/ready", 200, active, activeLog);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.readString(activeLog).contains("lost the lock of slot slot_" + database)
                    && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertTrue(Files.readString(activeLog).contains("lost the lock of slot slot_" + database),
                    Files.readString(activeLog));
            assertEquals(503, status(activePort, "/health/active"), "the old producer is a standby now");
            assertEquals(200, status(standbyPort, "/health/active"));
        } finally {
            signal("CONT", active);
            active.destroyForcibly();
            if (standby != null) {
                standby.destroyForcibly();
            }
        }
    }

    private static void signal(String signal, Process process) throws Exception {
        new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start().waitFor();
    }

    private static int status(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static void awaitStatus(int port, String path, int expected, Process process, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the producer exited: " + Files.readString(log));
            }
            try {
                if (status(port, path) == expected) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // keep waiting
            }
            Thread.sleep(200);
        }
        throw new AssertionError(path + " did not answer " + expected + ": " + Files.readString(log));
    }

    /** The environment of a producer of {@code public.items} in {@code database} to {@code topic} (2 partitions). */
    private static Map<String, String> itemsProducer(RunningPostgres postgres, String database, RunningKafka kafka,
                                                     String topic, int httpPort) {
        return Map.of(
                "TRIBUTARY_POSTGRES_URL", postgres.jdbcUrl(database),
                "TRIBUTARY_POSTGRES_USER", postgres.user(),
                "TRIBUTARY_POSTGRES_PASSWORD", postgres.password(),
                "TRIBUTARY_POSTGRES_SLOT", "slot_" + database,
                "TRIBUTARY_POSTGRES_TABLES", "public.items",
                "TRIBUTARY_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "TRIBUTARY_KAFKA_TOPIC", topic,
                "TRIBUTARY_KAFKA_PARTITIONS", "2",
                "TRIBUTARY_HTTP_PORT", String.valueOf(httpPort));
    }

    static Process start(Map<String, String> environment, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", JAR.toString());
        builder.environment().keySet().removeIf(name -> name.startsWith("TRIBUTARY_"));
        builder.environment().putAll(environment);
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        return builder.start();
    }

    static void awaitReady(int port, Process process, Path log) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the producer exited: " + Files.readString(log));
            }
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // keep waiting
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the producer did not become ready: " + Files.readString(log));
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
