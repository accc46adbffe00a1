package io.tributary.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * One PostgreSQL cluster: binaries unpacked from the zonky jar, a data directory made by {@code initdb}, a server
 * started and stopped with {@code pg_ctl} as the service user. Stopping and starting again keeps the data directory
 * and the port. Not thread-safe: {@link RunningPostgres} serialises calls.
 */
final class PostgresProcess implements PostgresServer {

    static final String SUPERUSER = "postgres";
    private static final String BINARIES_ENTRY = "postgres-linux-x86_64.txz";
    private static final Duration INITDB_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private final ServiceUser user;
    private final PostgresMajor major;
    private final Path home;
    private final Path directory;
    private final Path dataDirectory;
    private final Path logFile;
    private final int port;

    private PostgresProcess(ServiceUser user, PostgresMajor major, Path home, Path directory, int port) {
        this.user = user;
        this.major = major;
        this.home = home;
        this.directory = directory;
        this.dataDirectory = directory.resolve("data");
        this.logFile = directory.resolve("postgresql.log");
        this.port = port;
    }

    /**
     * Unpacks the binaries of {@code major} if needed and creates a new cluster that will listen on
     * 127.0.0.1:{@code port}, in the run directory {@code postgres<major>-<port>}.
     */
    static PostgresProcess create(StackSettings settings, PostgresMajor major, int port) {
        StackArtifacts.PostgresBinaries binaries = settings.artifacts().postgres(major);
        Path jar = StackArtifacts.existing(binaries.jar(), major + " binaries jar");
        Path home = settings.cache().installOnce("postgres-" + binaries.version(),
                destination -> unpackBinaries(jar, destination));
        Path directory = settings.newServiceDirectory("postgres" + major.number() + "-" + port, true);
        PostgresProcess postgres = new PostgresProcess(settings.user(), major, home, directory, port);
        postgres.initdb();
        if (postgres.majorVersion() != major.number()) {
            throw new LocalStackException(jar + " made a PostgreSQL " + postgres.majorVersion() + " data directory in "
                    + postgres.dataDirectory + ", not a PostgreSQL " + major.number() + " one");
        }
        return postgres;
    }

    private static void unpackBinaries(Path jar, Path destination) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry entry = zip.getEntry(BINARIES_ENTRY);
            if (entry == null) {
                throw new IOException(jar + " holds no " + BINARIES_ENTRY);
            }
            try (InputStream in = zip.getInputStream(entry)) {
                Unpacker.untarXz(in, destination);
            }
        }
    }

    private void initdb() {
        Path log = directory.resolve("initdb.log");
        ProcessRunner.run("initialise a PostgreSQL data directory in " + dataDirectory,
                user.command(List.of(binary("initdb"), "-D", dataDirectory.toString(), "-U", SUPERUSER,
                        "-A", "trust", "-E", "UTF8", "--no-locale")),
                directory, log, INITDB_TIMEOUT);
        appendTo(dataDirectory.resolve("postgresql.conf"), String.join("\n",
                "",
                "# tributary local-stack",
                "port = " + port,
                "listen_addresses = '127.0.0.1'",
                "unix_socket_directories = ''",
                "wal_level = logical",
                // Tests leave their slots behind and share one server per test JVM: room for dozens.
                "max_replication_slots = 64",
                "max_wal_senders = 32",
                "fsync = off",
                "full_page_writes = off",
                ""));
        allowLoopbackReplication();
    }

    /** initdb -A trust already trusts loopback replication; make sure, since logical decoding tests depend on it. */
    private void allowLoopbackReplication() {
        Path hba = dataDirectory.resolve("pg_hba.conf");
        try {
            boolean present = Files.readAllLines(hba).stream()
                    .map(line -> line.trim().split("\\s+"))
                    .anyMatch(fields -> fields.length >= 5 && fields[0].equals("host")
                            && fields[1].equals("replication") && fields[3].equals("127.0.0.1/32")
                            && fields[4].equals("trust"));
            if (!present) {
                appendTo(hba, "\nhost replication all 127.0.0.1/32 trust\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + hba, e);
        }
    }

    /**
     * Turns TLS on ({@code ssl = on}) with a CA and server certificate made now in {@code <run directory>/tls}, owned
     * by the service user; takes effect at the next {@link #start()}.
     */
    LocalCertificates enableTls() {
        Path tls = directory.resolve("tls");
        LocalCertificates certificates = LocalCertificates.generate(tls);
        user.own(tls);
        appendTo(dataDirectory.resolve("postgresql.conf"), String.join("\n",
                "",
                "# tributary local-stack: TLS with a CA made at startup",
                "ssl = on",
                "ssl_cert_file = '" + certificates.serverCertificate() + "'",
                "ssl_key_file = '" + certificates.serverKey() + "'",
                ""));
        return certificates;
    }

    public void start() {
        try {
            ProcessRunner.run("start " + this,
                    user.command(List.of(binary("pg_ctl"), "-D", dataDirectory.toString(), "-l", logFile.toString(),
                            "-w", "-t", Long.toString(START_TIMEOUT.toSeconds()), "start")),
                    directory, directory.resolve("pg_ctl.log"), START_TIMEOUT.plusSeconds(30));
        } catch (LocalStackException e) {
            throw new LocalStackException(e.getMessage() + LogTail.describe(logFile), e);
        }
    }

    public void stop() {
        ProcessRunner.run("stop " + this,
                user.command(List.of(binary("pg_ctl"), "-D", dataDirectory.toString(), "-m", "fast",
                        "-w", "-t", Long.toString(STOP_TIMEOUT.toSeconds()), "stop")),
                directory, directory.resolve("pg_ctl.log"), STOP_TIMEOUT.plusSeconds(30));
    }

    /** The major version of the data directory (its PG_VERSION file). */
    public int majorVersion() {
        Path versionFile = dataDirectory.resolve("PG_VERSION");
        try {
            return Integer.parseInt(Files.readString(versionFile).trim());
        } catch (IOException | NumberFormatException e) {
            throw new LocalStackException("could not read the PostgreSQL major version from " + versionFile, e);
        }
    }

    public PostgresMajor major() {
        return major;
    }

    public int port() {
        return port;
    }

    public Path logFile() {
        return logFile;
    }

    @Override
    public String toString() {
        return major + " on 127.0.0.1:" + port;
    }

    private String binary(String name) {
        return home.resolve("bin").resolve(name).toString();
    }

    private static void appendTo(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("could not append to " + file, e);
        }
    }
}
