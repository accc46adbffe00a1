package io.tributary.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * One single-node search engine ({@link SearchEngineDistribution}: Elasticsearch 8 or 9, or OpenSearch), unpacked
 * from its test distribution zip and daemonised with {@code bin/elasticsearch -d} (or {@code bin/opensearch -d})
 * as the service user, with its own copy of the configuration directory. Stopping and starting again keeps the
 * ports and the data. Not thread-safe: {@link RunningElasticsearch} serialises calls.
 */
final class ElasticsearchProcess implements ElasticsearchServer {

    static final String CLUSTER_NAME = "tributary";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(500);
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    private final ServiceUser user;
    private final SearchEngineDistribution distribution;
    private final Path javaHome;
    private final Path home;
    private final Path directory;
    private final Path configDirectory;
    private final Path pidFile;
    private final Path logFile;
    private final Path launcherLog;
    private final int httpPort;
    private final Optional<Security> security;
    private final HttpClient http;

    /** Security on: HTTPS with {@code certificates}' node certificate, and the file realm with one superuser. */
    record Security(TestCertificates certificates, String user, String password) {

        /** The user's line of the file realm's {@code users} file: a salted SHA-256 hash ({@code {SSHA256}}). */
        String usersFileLine() {
            byte[] salt = new byte[8];
            new SecureRandom().nextBytes(salt);
            try {
                MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
                sha256.update(password.getBytes(StandardCharsets.UTF_8));
                sha256.update(salt);
                Base64.Encoder base64 = Base64.getEncoder();
                return user + ":{SSHA256}" + base64.encodeToString(salt) + base64.encodeToString(sha256.digest())
                        + "\n";
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("this JVM has no SHA-256", e);
            }
        }

        @Override
        public String toString() {
            return "Security[user " + user + "]";
        }
    }

    private ElasticsearchProcess(ServiceUser user, SearchEngineDistribution distribution, Path javaHome, Path home,
                                 Path directory, int httpPort,
                                 Optional<Security> security) {
        this.user = user;
        this.distribution = distribution;
        this.javaHome = javaHome;
        this.home = home;
        this.directory = directory;
        this.configDirectory = directory.resolve("config");
        this.pidFile = directory.resolve("elasticsearch.pid");
        this.logFile = directory.resolve("logs").resolve(CLUSTER_NAME + ".log");
        this.launcherLog = directory.resolve("elasticsearch-launcher.log");
        this.httpPort = httpPort;
        this.security = security;
        this.http = security.isEmpty() ? HTTP : HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .sslContext(trusting(security.get().certificates().caCertificate()))
                .build();
    }

    /** Unpacks {@code distribution} if needed and configures a new node on 127.0.0.1:{@code httpPort}. */
    static ElasticsearchProcess configure(StackSettings settings, SearchEngineDistribution distribution, int httpPort,
                                          int transportPort) {
        return configure(settings, distribution, httpPort, transportPort, Optional.empty());
    }

    /** As {@link #configure(StackSettings, SearchEngineDistribution, int, int)} for Elasticsearch 8, with security on. */
    static ElasticsearchProcess configure(StackSettings settings, int httpPort, int transportPort,
                                          Security security) {
        return configure(settings, SearchEngineDistribution.ELASTICSEARCH_8, httpPort, transportPort,
                Optional.of(security));
    }

    private static ElasticsearchProcess configure(StackSettings settings, SearchEngineDistribution distribution,
                                                  int httpPort, int transportPort, Optional<Security> security) {
        StackArtifacts.SearchEngineZip artifact = settings.artifacts().searchEngine(distribution);
        String unpacked = distribution.executable() + "-" + artifact.version();
        Path zip = StackArtifacts.existing(artifact.zip(), distribution.product() + " distribution");
        Path javaHome = JavaHomes.atLeast(distribution.javaFeature(),
                distribution.product() + " " + artifact.version());
        Path home = settings.cache().installOnce(unpacked, destination -> Unpacker.unzip(zip, destination))
                .resolve(unpacked);
        Path directory = settings.newServiceDirectory(distribution.executable() + "-" + httpPort, true);
        ElasticsearchProcess elasticsearch = new ElasticsearchProcess(settings.user(), distribution, javaHome, home,
                directory, httpPort, security);
        elasticsearch.writeConfiguration(transportPort);
        settings.user().own(directory);
        return elasticsearch;
    }

    private void writeConfiguration(int transportPort) {
        try {
            copyDirectory(home.resolve("config"), configDirectory);
            Files.createDirectories(directory.resolve("data"));
            Files.createDirectories(directory.resolve("logs"));
            Files.writeString(configDirectory.resolve(distribution.executable() + ".yml"), String.join("\n",
                    "# tributary local-stack: single node on loopback" + (security.isEmpty() ? ", no security" : "")
                            + " (" + distribution + ")",
                    "cluster.name: " + CLUSTER_NAME,
                    "node.name: local",
                    "discovery.type: single-node",
                    "network.host: 127.0.0.1",
                    "http.port: " + httpPort,
                    "transport.port: " + transportPort,
                    security.isEmpty() ? String.join("\n", distribution.settings()) : securitySettings(),
                    "path.data: \"" + directory.resolve("data") + "\"",
                    "path.logs: \"" + directory.resolve("logs") + "\"",
                    "cluster.routing.allocation.disk.threshold_enabled: false",
                    "action.destructive_requires_name: false",
                    ""));
            if (security.isPresent()) {
                TestCertificates certificates = security.get().certificates();
                // The chain, as Elasticsearch's own setup serves it: clients may pin the CA's fingerprint.
                Files.writeString(configDirectory.resolve("node.crt"), Files.readString(certificates.nodeCertificate())
                        + Files.readString(certificates.caCertificate()));
                Files.copy(certificates.nodeKey(), configDirectory.resolve("node.key"));
                Files.writeString(configDirectory.resolve("users"), security.get().usersFileLine());
                Files.writeString(configDirectory.resolve("users_roles"), "superuser:" + security.get().user() + "\n");
            }
            anchorJvmOptionPaths();
            Path jvmOptions = configDirectory.resolve("jvm.options.d");
            Files.createDirectories(jvmOptions);
            Files.writeString(jvmOptions.resolve("heap.options"), "-Xms512m\n-Xmx512m\n");
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the Elasticsearch configuration in " + directory, e);
        }
    }

    /**
     * OpenSearch's {@code jvm.options} writes gc logs, error files and heap dumps to {@code logs/} and {@code data}
     * relative to a directory the service user cannot write: they go to this node's directory instead.
     */
    private void anchorJvmOptionPaths() throws IOException {
        Path options = configDirectory.resolve("jvm.options");
        if (Files.isRegularFile(options)) {
            Files.writeString(options, Files.readString(options)
                    .replace("logs/", directory.resolve("logs") + "/")
                    .replace("HeapDumpPath=data", "HeapDumpPath=" + directory.resolve("data")));
        }
    }

    /** Launches the daemon and waits until the cluster is yellow; stops it again if it does not get there in time. */
    public void start() {
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete the stale pid file " + pidFile, e);
        }
        List<String> command = user.command(distribution.environment(javaHome.toString(), configDirectory.toString()),
                List.of(home.resolve("bin").resolve(distribution.executable()).toString(), "-d", "-p",
                        pidFile.toString()));
        try {
            // Working directory = ours: the default jvm.options write gc logs to the relative path logs/.
            ProcessRunner.run("start " + distribution + " on " + url(), command, directory, launcherLog,
                    START_TIMEOUT);
            Poll.until(distribution + " on " + url() + " to report cluster health yellow", START_TIMEOUT,
                    POLL_INTERVAL, this::healthy, () -> ""); // the log tail is added below
        } catch (LocalStackException e) {
            LocalStackException failure = new LocalStackException(e.getMessage() + LogTail.describe(logFile), e);
            try {
                stop();
            } catch (RuntimeException stopFailure) {
                failure.addSuppressed(stopFailure);
            }
            throw failure;
        }
    }

    /** Stops the node (SIGTERM), killing it if it has not exited after a minute. */
    public void stop() {
        Optional<ProcessHandle> node = pid().flatMap(ProcessHandle::of);
        if (node.isEmpty()) {
            return;
        }
        ProcessHandle handle = node.get();
        handle.destroy();
        try {
            handle.onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            handle.destroyForcibly();
            throw new LocalStackException("Elasticsearch on " + url() + " did not stop within "
                    + STOP_TIMEOUT.toSeconds() + " s and was killed" + LogTail.describe(logFile));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalStackException("interrupted while stopping Elasticsearch on " + url(), e);
        } catch (ExecutionException e) {
            throw new LocalStackException("could not wait for Elasticsearch on " + url() + " to stop", e);
        }
    }

    @Override
    public SearchEngineDistribution distribution() {
        return distribution;
    }

    public String url() {
        return (security.isEmpty() ? "http" : "https") + "://127.0.0.1:" + httpPort;
    }

    /** Security off, or on with HTTPS (the transport stays plain: one node on loopback). */
    private String securitySettings() {
        if (security.isEmpty()) {
            return "xpack.security.enabled: false";
        }
        return String.join("\n",
                "xpack.security.enabled: true",
                "xpack.security.http.ssl.enabled: true",
                "xpack.security.http.ssl.certificate: node.crt",
                "xpack.security.http.ssl.key: node.key",
                "xpack.security.transport.ssl.enabled: false");
    }

    private static SSLContext trusting(Path caCertificate) {
        try (InputStream in = Files.newInputStream(caCertificate)) {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            trusted.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + caCertificate, e);
        } catch (GeneralSecurityException e) {
            throw new LocalStackException("could not trust " + caCertificate, e);
        }
    }

    public Path logFile() {
        return logFile;
    }

    private boolean healthy() throws IOException, InterruptedException {
        URI health = URI.create(url() + "/_cluster/health?wait_for_status=yellow&timeout=5s");
        HttpRequest.Builder request = HttpRequest.newBuilder(health)
                .timeout(Duration.ofSeconds(10))
                .GET();
        security.ifPresent(secured -> request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                (secured.user() + ":" + secured.password()).getBytes(StandardCharsets.UTF_8))));
        return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    }

    private Optional<Long> pid() {
        try {
            return Files.exists(pidFile) ? Optional.of(Long.parseLong(Files.readString(pidFile).trim()))
                    : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            throw new LocalStackException("could not read the Elasticsearch pid file " + pidFile, e);
        }
    }

    private static void copyDirectory(Path source, Path target) throws IOException {
        try (Stream<Path> paths = Files.walk(source)) {
            for (Path each : (Iterable<Path>) paths::iterator) {
                Path copy = target.resolve(source.relativize(each).toString());
                if (Files.isDirectory(each)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(each, copy, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
