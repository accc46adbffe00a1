package io.tributary.localstack;

import java.sql.Connection;
import java.sql.DriverManager;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * PostgreSQL of one major in the official {@code postgres:<major>} image, configured as {@link PostgresProcess}
 * configures its server: superuser postgres, trust authentication, {@code wal_level=logical}, room for the slots and
 * WAL senders the tests leave behind.
 */
final class PostgresContainer extends ServiceContainer implements PostgresServer {

    private final PostgresMajor major;

    PostgresContainer(StackSettings settings, PostgresMajor major) {
        this(settings, major, FreePorts.next());
    }

    private PostgresContainer(StackSettings settings, PostgresMajor major, int port) {
        super(major.toString(), new GenericContainer<>(DockerImageName.parse("postgres:" + major.number()))
                .withEnv("POSTGRES_HOST_AUTH_METHOD", "trust")
                .withCommand("postgres", "-c", "wal_level=logical", "-c", "max_replication_slots=64",
                        "-c", "max_wal_senders=32", "-c", "fsync=off", "-c", "full_page_writes=off")
                // The image's entrypoint starts a temporary server first: ready is the second announcement.
                .waitingFor(Wait.forLogMessage(".*database system is ready to accept connections.*", 2)),
                5432, port, settings.newServiceDirectory("postgres" + major.number() + "-container-" + port, false)
                        .resolve("postgres.log"),
                () -> {
                    String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
                    try (Connection connection =
                            DriverManager.getConnection(url, PostgresProcess.SUPERUSER, "postgres")) {
                        return connection.isValid(5);
                    }
                });
        this.major = major;
    }

    @Override
    public PostgresMajor major() {
        return major;
    }

    @Override
    public int majorVersion() {
        return major.number();
    }

    @Override
    public int port() {
        return hostPort();
    }
}
