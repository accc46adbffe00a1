package io.tributary.localstack;

import java.nio.file.Files;
import java.nio.file.Path;
import org.testcontainers.DockerClientFactory;

/**
 * The {@link StackBackend} of {@code mvn -Pcontainers}: PostgreSQL, Kafka and Elasticsearch in containers through
 * Testcontainers, each published on a fixed free port of 127.0.0.1 so that stop and start keep the address the tests
 * hold. Compiled only in the containers profile; {@link StackBackend#named} finds it by name.
 *
 * <p>Created once per JVM; the constructor fails at once where Testcontainers finds no Docker engine, so every
 * integration test fails in a second with {@link StackBackend#noDockerEngine}'s message instead of waiting.
 */
final class ContainerBackend implements StackBackend {

    ContainerBackend() {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            throw new LocalStackException(StackBackend.noDockerEngine(System.getenv("DOCKER_HOST"),
                    Files.exists(Path.of("/var/run/docker.sock")), "Could not find a valid Docker environment"));
        }
    }

    @Override
    public RunningPostgres postgres(StackSettings settings, PostgresMajor major) {
        return RunningPostgres.launch(new PostgresContainer(settings, major));
    }

    @Override
    public RunningKafka kafka(StackSettings settings) {
        return RunningKafka.launch(new KafkaContainer(settings));
    }

    @Override
    public RunningElasticsearch elasticsearch(StackSettings settings) {
        return RunningElasticsearch.launch(new ElasticsearchContainer(settings));
    }
}
