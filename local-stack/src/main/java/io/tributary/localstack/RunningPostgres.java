package io.tributary.localstack;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server of one {@link PostgresMajor} started by {@link LocalStack}: listens on 127.0.0.1, superuser {@value #USER}, trust
 * authentication (any password is accepted), {@code wal_level=logical}. {@link #stop()} and {@link #start()} keep
 * the data directory and the port, so a test can restart the database under a running client.
 *
 * <p>Thread-safe: stop/start calls are serialised; the address getters never change.
 */
public final class RunningPostgres {

    private static final Logger LOG = LoggerFactory.getLogger(RunningPostgres.class);
    private static final String USER = PostgresProcess.SUPERUSER;
    private static final String DUPLICATE_DATABASE = "42P04";

    private final PostgresServer process;
    private final Optional<LocalCertificates> certificates;
    private boolean running;

    private RunningPostgres(PostgresServer process, Optional<LocalCertificates> certificates) {
        this.process = process;
        this.certificates = certificates;
    }

    /** Creates a new {@code major} cluster on a free port and starts it; stops it again if startup fails. */
    static RunningPostgres launch(StackSettings settings, PostgresMajor major) {
        return launch(PostgresProcess.create(settings, major, FreePorts.next()));
    }

    /** As {@link #launch(StackSettings, PostgresMajor)}, with {@code ssl = on} and a CA made for it. */
    static RunningPostgres launchWithTls(StackSettings settings, PostgresMajor major) {
        PostgresProcess process = PostgresProcess.create(settings, major, FreePorts.next());
        return launch(process, Optional.of(process.enableTls()));
    }

    /** Starts {@code process}, a new server of either {@link StackBackend}; stops it again if startup fails. */
    static RunningPostgres launch(PostgresServer process) {
        return launch(process, Optional.empty());
    }

    private static RunningPostgres launch(PostgresServer process, Optional<LocalCertificates> certificates) {
        long started = System.nanoTime();
        RunningPostgres postgres = new RunningPostgres(process, certificates);
        try {
            postgres.start();
        } catch (RuntimeException e) {
            try {
                process.stop(); // pg_ctl may have left a server behind that never became ready
            } catch (RuntimeException stopFailure) {
                e.addSuppressed(stopFailure);
            }
            throw e;
        }
        LOG.info("{} ready in {} ms (log: {})", process, (System.nanoTime() - started) / 1_000_000,
                postgres.logFile());
        return postgres;
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return process.port();
    }

    /** The superuser, {@value #USER}. */
    public String user() {
        return USER;
    }

    /** A password for clients that insist on one; trust authentication ignores it. */
    public String password() {
        return "postgres";
    }

    /** {@code jdbc:postgresql://127.0.0.1:<port>/<database>}. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port() + "/" + URLEncoder.encode(database, StandardCharsets.UTF_8);
    }

    /** Creates database {@code name} unless it exists and returns its JDBC URL. */
    public String createDatabase(String name) {
        try (Connection connection = DriverManager.getConnection(jdbcUrl("postgres"), user(), password());
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE \"" + name.replace("\"", "\"\"") + "\"");
        } catch (SQLException e) {
            if (!DUPLICATE_DATABASE.equals(e.getSQLState())) {
                throw new LocalStackException("could not create database '" + name + "' on " + jdbcUrl("postgres")
                        + ": " + e.getMessage(), e);
            }
        }
        return jdbcUrl(name);
    }

    /**
     * The CA and server certificate of a server started with TLS ({@link LocalStack#postgresWithTls()}).
     *
     * @throws IllegalStateException for a server started without TLS
     */
    public LocalCertificates certificates() {
        return certificates.orElseThrow(() -> new IllegalStateException(this + " was started without TLS; use"
                + " LocalStack.postgresWithTls()"));
    }

    /** The server's major version, e.g. 17: the {@link PostgresMajor} it was started as. */
    public int majorVersion() {
        return process.majorVersion();
    }

    /** Stops the server (fast shutdown: clients are disconnected). Does nothing if it is stopped. */
    public synchronized void stop() {
        if (running) {
            process.stop();
            running = false;
            LOG.info("{} stopped", process);
        }
    }

    /** Starts the server again on the same port and data directory. Does nothing if it is running. */
    public synchronized void start() {
        if (!running) {
            long started = System.nanoTime();
            process.start();
            running = true;
            LOG.info("{} started in {} ms", process, (System.nanoTime() - started) / 1_000_000);
        }
    }

    /** The server log. */
    public Path logFile() {
        return process.logFile();
    }

    @Override
    public String toString() {
        return process.major() + " at " + host() + ":" + port();
    }
}
