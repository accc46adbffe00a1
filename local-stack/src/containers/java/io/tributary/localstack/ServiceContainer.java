package io.tributary.localstack;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;

/**
 * One service's container and its lifecycle, the part {@link PostgresContainer}, {@link KafkaContainer} and
 * {@link ElasticsearchContainer} share: the first {@link #start()} creates and starts it (Testcontainers' wait
 * strategy decides when it is up), {@link #stop()} stops it keeping its filesystem, a later {@link #start()} starts
 * the same container again and polls {@code ready} until it answers, {@link #kill()} sends SIGKILL. The container
 * port is bound to {@code hostPort} on 127.0.0.1, so the address survives restarts. Its output goes to
 * {@link #logFile()}. Thread-safety: the Running* class owning it serialises the calls.
 */
abstract class ServiceContainer {

    private static final Duration RESTART_TIMEOUT = Duration.ofSeconds(180);

    private final String name;
    private final GenericContainer<?> container;
    private final int hostPort;
    private final Path logFile;
    private final Poll.Check ready;
    private boolean created;

    protected ServiceContainer(String name, GenericContainer<?> container, int containerPort, int hostPort,
            Path logFile, Poll.Check ready) {
        this.name = name;
        this.hostPort = hostPort;
        this.logFile = logFile;
        this.ready = ready;
        this.container = container.withExposedPorts(containerPort)
                .withCreateContainerCmdModifier(command -> command.getHostConfig().withPortBindings(new PortBinding(
                        Ports.Binding.bindIpAndPort("127.0.0.1", hostPort), ExposedPort.tcp(containerPort))))
                .withLogConsumer(frame -> append(frame.getUtf8String()));
    }

    public void start() {
        if (!created) {
            created = true;
            container.start();
            return;
        }
        DockerClientFactory.lazyClient().startContainerCmd(container.getContainerId()).exec();
        Poll.until(name + " on 127.0.0.1:" + hostPort + " to answer again", RESTART_TIMEOUT, Duration.ofMillis(250),
                ready, () -> LogTail.describe(logFile));
    }

    public void stop() {
        DockerClientFactory.lazyClient().stopContainerCmd(container.getContainerId()).exec();
    }

    public void kill() {
        DockerClientFactory.lazyClient().killContainerCmd(container.getContainerId()).exec();
    }

    int hostPort() {
        return hostPort;
    }

    public Path logFile() {
        return logFile;
    }

    private void append(String text) {
        try {
            Files.writeString(logFile, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the container log " + logFile, e);
        }
    }

    @Override
    public String toString() {
        return name + " (container " + container.getDockerImageName() + " on 127.0.0.1:" + hostPort + ")";
    }
}
