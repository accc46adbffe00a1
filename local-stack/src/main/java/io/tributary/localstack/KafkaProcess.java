package io.tributary.localstack;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * One single-node KRaft Kafka (broker and controller in one) running as a child JVM, so that the broker's
 * classpath (Scala, Kafka server, its own logging binding) stays out of this JVM. The storage is formatted once;
 * stopping and starting again keeps the ports and the log directories. Besides PLAINTEXT it listens with SASL_SSL
 * ({@link SaslSslListener}): SCRAM credentials of one user added at format time, TLS with a CA made then. Not
 * thread-safe: {@link RunningKafka} serialises calls.
 */
final class KafkaProcess implements KafkaServer {

    private static final Duration FORMAT_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(250);
    private static final String SCRAM_USER = "tributary";

    private final List<Path> classpath;
    private final Path directory;
    private final Path serverProperties;
    private final Path logFile;
    private final int port;
    private final SaslSslListener saslSsl;
    private Process process;

    private KafkaProcess(List<Path> classpath, Path directory, int port, SaslSslListener saslSsl) {
        this.classpath = classpath;
        this.directory = directory;
        this.serverProperties = directory.resolve("server.properties");
        this.logFile = directory.resolve("kafka.log");
        this.port = port;
        this.saslSsl = saslSsl;
    }

    /**
     * Writes the configuration of a new broker on 127.0.0.1:{@code port} (PLAINTEXT) and {@code saslSslPort}
     * (SASL_SSL), makes its certificates and formats its storage with the SCRAM user.
     */
    static KafkaProcess format(StackSettings settings, int port, int controllerPort, int saslSslPort) {
        List<Path> classpath = settings.artifacts().kafkaClasspath();
        classpath.forEach(jar -> StackArtifacts.existing(jar, "Kafka broker classpath entry"));
        Path directory = settings.newServiceDirectory("kafka-" + port, false);
        SecureRandom random = new SecureRandom();
        SaslSslListener saslSsl = new SaslSslListener("127.0.0.1:" + saslSslPort, SCRAM_USER,
                newPassword(random),
                LocalCertificates.generate(directory.resolve("tls")));
        KafkaProcess kafka = new KafkaProcess(classpath, directory, port, saslSsl);
        kafka.writeConfiguration(controllerPort);
        String credentials = "[name=" + saslSsl.username() + ",password=" + saslSsl.password() + "]";
        ProcessRunner.run("format the Kafka storage in " + directory,
                kafka.javaCommand("256m", "kafka.tools.StorageTool", "format",
                        "--cluster-id", KafkaClusterId.random(random).value(),
                        "--config", kafka.serverProperties.toString(),
                        "--add-scram", "SCRAM-SHA-512=" + credentials,
                        "--add-scram", "SCRAM-SHA-256=" + credentials),
                directory, directory.resolve("kafka-storage-format.log"), FORMAT_TIMEOUT);
        return kafka;
    }

    /** 16 random bytes in hex: the SCRAM user's password of this run. */
    private static String newPassword(SecureRandom random) {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private void writeConfiguration(int controllerPort) {
        String scramLogin = "org.apache.kafka.common.security.scram.ScramLoginModule required;";
        Map<String, String> settings = Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", "1"),
                Map.entry("controller.quorum.voters", "1@127.0.0.1:" + controllerPort),
                Map.entry("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort
                        + ",SASL_SSL://" + saslSsl.bootstrapServers()),
                Map.entry("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port
                        + ",SASL_SSL://" + saslSsl.bootstrapServers()),
                Map.entry("controller.listener.names", "CONTROLLER"),
                Map.entry("inter.broker.listener.name", "PLAINTEXT"),
                Map.entry("listener.security.protocol.map",
                        "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL"),
                Map.entry("sasl.enabled.mechanisms", "SCRAM-SHA-512,SCRAM-SHA-256"),
                Map.entry("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config", scramLogin),
                Map.entry("listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config", scramLogin),
                Map.entry("listener.name.sasl_ssl.ssl.keystore.type", "PEM"),
                Map.entry("listener.name.sasl_ssl.ssl.keystore.location",
                        saslSsl.certificates().serverKeyAndCertificate().toString()),
                Map.entry("log.dirs", directory.resolve("data").toString()),
                Map.entry("num.partitions", "1"),
                Map.entry("auto.create.topics.enable", "false"),
                Map.entry("offsets.topic.replication.factor", "1"),
                Map.entry("offsets.topic.num.partitions", "10"),
                Map.entry("transaction.state.log.replication.factor", "1"),
                Map.entry("transaction.state.log.min.isr", "1"),
                Map.entry("share.coordinator.state.topic.replication.factor", "1"),
                Map.entry("share.coordinator.state.topic.min.isr", "1"),
                Map.entry("group.initial.rebalance.delay.ms", "0"),
                // After a kill -9 the restarted broker cannot register until the dead incarnation's session
                // expires (default 9 s); short sessions make kill-and-restart tests fast.
                Map.entry("broker.heartbeat.interval.ms", "500"),
                Map.entry("broker.session.timeout.ms", "4000"));
        Properties properties = new Properties();
        properties.putAll(settings);
        try (var out = Files.newBufferedWriter(serverProperties)) {
            properties.store(out, "tributary local-stack: single-node KRaft broker");
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + serverProperties, e);
        }
        writeLogbackConfiguration();
    }

    /** The broker logs through slf4j to logback on its console, which is appended to {@link #logFile}. */
    private void writeLogbackConfiguration() {
        String configuration = """
                <configuration>
                  <appender name="CONSOLE" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger - %msg%n</pattern></encoder>
                  </appender>
                  <logger name="kafka.request.logger" level="WARN"/>
                  <root level="INFO"><appender-ref ref="CONSOLE"/></root>
                </configuration>
                """;
        try {
            Files.writeString(directory.resolve("logback.xml"), configuration);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the broker's logging configuration", e);
        }
    }

    /** Starts the broker JVM and waits until it answers an admin request; kills it if it does not in time. */
    public void start() {
        process = ProcessRunner.start("start the Kafka broker on 127.0.0.1:" + port,
                javaCommand("512m", "kafka.Kafka", serverProperties.toString()), directory, logFile);
        try {
            Poll.until("the Kafka broker to listen on 127.0.0.1:" + port, START_TIMEOUT, POLL_INTERVAL,
                    () -> exitedYet() || portOpen(), () -> LogTail.describe(logFile));
            try (Admin admin = Admin.create(adminProperties(bootstrapServers()))) {
                Poll.until("the Kafka broker on " + bootstrapServers() + " to answer describeCluster",
                        START_TIMEOUT, POLL_INTERVAL, () -> exitedYet() || hasNodes(admin),
                        () -> LogTail.describe(logFile));
            }
        } catch (RuntimeException e) {
            kill();
            throw e;
        }
    }

    /** Stops the broker cleanly (SIGTERM: controlled shutdown), killing it if it has not exited after a minute. */
    public void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                kill();
                throw new LocalStackException("the Kafka broker on 127.0.0.1:" + port + " did not stop within "
                        + STOP_TIMEOUT.toSeconds() + " s and was killed" + LogTail.describe(logFile));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalStackException("interrupted while stopping the Kafka broker on 127.0.0.1:" + port, e);
        }
        process = null;
    }

    /** Kills the broker JVM (SIGKILL) and waits for it to be gone. */
    public void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalStackException("interrupted while killing the Kafka broker on 127.0.0.1:" + port, e);
        }
        process = null;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    @Override
    public SaslSslListener saslSsl() {
        return saslSsl;
    }

    public Path logFile() {
        return logFile;
    }

    static Properties adminProperties(String bootstrapServers) {
        Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        properties.put(AdminClientConfig.CLIENT_ID_CONFIG, "local-stack-admin");
        return properties;
    }

    private List<String> javaCommand(String maxHeap, String mainClass, String... arguments) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + maxHeap,
                "-Djava.awt.headless=true",
                "-Dlogback.configurationFile=" + directory.resolve("logback.xml"),
                "-cp", classpath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)),
                mainClass));
        command.addAll(List.of(arguments));
        return command;
    }

    /** Throws (ending a wait) when the broker JVM has exited; false otherwise. */
    private boolean exitedYet() {
        if (!process.isAlive()) {
            throw new LocalStackException("the Kafka broker on 127.0.0.1:" + port + " exited with code "
                    + process.exitValue() + " while starting" + LogTail.describe(logFile));
        }
        return false;
    }

    private boolean portOpen() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean hasNodes(Admin admin) throws InterruptedException, ExecutionException, TimeoutException {
        return !admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).isEmpty();
    }
}
