package io.tributary.shaping.source;

import io.tributary.config.PostgresTls;
import io.tributary.config.Secret;
import io.tributary.config.SettingsReader;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.postgresql.PGProperty;

/**
 * How to reach the database: its JDBC URL, credentials and TLS settings. Opens every kind of connection the
 * producer uses (setup queries, the slot's lock, snapshots, the replication stream) and the verifier's read-only
 * one; {@link #properties()} is the one place their driver properties start from, and its session options the
 * one place of the session settings the value conversion relies on.
 *
 * @param url      {@code jdbc:postgresql://host:port/database}
 * @param user     a role with the REPLICATION attribute (or superuser)
 * @param password its password; may be {@link Secret#NONE}
 * @param tls      {@code tributary.postgres.ssl.*}, applied to every connection
 */
public record PostgresEndpoint(String url, String user, Secret password, PostgresTls tls) {

    /**
     * {@code tributary.postgres.url}, {@code user}, {@code password} and {@code ssl.*}, as the producer reads them
     * and the verifier reads them from the producer's file.
     *
     * @throws io.tributary.config.InvalidConfigException naming the key at fault
     */
    public static PostgresEndpoint read(SettingsReader read) {
        String url = read.requiredString("tributary.postgres.url");
        if (!url.startsWith("jdbc:postgresql://")) {
            throw read.invalid("tributary.postgres.url", "must look like jdbc:postgresql://host:5432/database, got '"
                    + url + "'");
        }
        return new PostgresEndpoint(url, read.requiredString("tributary.postgres.user"),
                read.secret("tributary.postgres.password"), PostgresTls.read(read, url));
    }

    /** Without TLS settings: pgjdbc's default, or what the URL's own parameters say. */
    public PostgresEndpoint(String url, String user, String password) {
        this(url, user, Secret.of(password), PostgresTls.DEFAULT);
    }

    /**
     * Session settings the value converter relies on: ISO dates, UTC, shortest exact floats, hex bytea. They apply
     * to the walsender too, where pgoutput renders each value.
     */
    private static final String SESSION_OPTIONS =
            "-c DateStyle=ISO -c TimeZone=UTC -c extra_float_digits=3 -c bytea_output=hex -c IntervalStyle=postgres";

    /** A connection for catalog queries and setup statements. */
    public Connection openQueryConnection() throws SQLException {
        Properties properties = properties();
        PGProperty.APPLICATION_NAME.set(properties, "tributary-etl-producer");
        return DriverManager.getConnection(url, properties);
    }

    /**
     * The connection that holds the slot's lock, with the server settings that end its session soon after this
     * node goes silent (the producer's {@code LockTimings.serverSessionOptions()}).
     */
    public Connection openLockConnection(String serverOptions) throws SQLException {
        Properties properties = properties();
        PGProperty.APPLICATION_NAME.set(properties, "tributary-etl-producer-lock");
        PGProperty.TCP_KEEP_ALIVE.set(properties, true);
        PGProperty.OPTIONS.set(properties, serverOptions);
        return DriverManager.getConnection(url, properties);
    }

    /**
     * A connection for reading tables inside an exported snapshot: the same session settings as the stream, and
     * every value sent in text form (no binary transfer), so {@code getString} returns exactly the text pgoutput
     * sends for the same value.
     */
    public Connection openSnapshotConnection() throws SQLException {
        return openTextConnection("tributary-etl-producer-snapshot", SESSION_OPTIONS);
    }

    /**
     * A read-only connection that reads values as {@link #openSnapshotConnection} does: the verifier's, so that
     * {@code getString} returns the text pgoutput sends the producer.
     */
    public Connection openReadOnlyConnection(String applicationName) throws SQLException {
        return openTextConnection(applicationName, SESSION_OPTIONS + " -c default_transaction_read_only=on");
    }

    private Connection openTextConnection(String applicationName, String sessionOptions) throws SQLException {
        Properties properties = properties();
        PGProperty.APPLICATION_NAME.set(properties, applicationName);
        PGProperty.BINARY_TRANSFER.set(properties, false);
        PGProperty.OPTIONS.set(properties, sessionOptions);
        return DriverManager.getConnection(url, properties);
    }

    /** A logical replication connection (walsender) to the database. */
    public Connection openReplicationConnection() throws SQLException {
        Properties properties = properties();
        PGProperty.APPLICATION_NAME.set(properties, "tributary-etl-producer-stream");
        PGProperty.REPLICATION.set(properties, "database");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(properties, "10");
        PGProperty.PREFER_QUERY_MODE.set(properties, "simple");
        PGProperty.OPTIONS.set(properties, SESSION_OPTIONS);
        return DriverManager.getConnection(url, properties);
    }

    /** What every connection to the database is opened with: the credentials, a connect timeout and TLS. */
    public Properties properties() {
        Properties properties = new Properties();
        PGProperty.USER.set(properties, user);
        PGProperty.PASSWORD.set(properties, password.reveal());
        PGProperty.CONNECT_TIMEOUT.set(properties, 10);
        tls.applyTo(properties);
        return properties;
    }

    @Override
    public String toString() {
        return url + " as " + user;
    }
}
