package io.tributary.localstack;

import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.testcontainers.utility.DockerImageName;

/**
 * A single-node Kafka (KRaft) in the {@code apache/kafka} image of the version the project builds against, with
 * topic auto-creation off like {@link KafkaProcess}'s broker.
 */
final class KafkaContainer extends ServiceContainer implements KafkaServer {

    static final String IMAGE = "apache/kafka:4.1.1";

    KafkaContainer(StackSettings settings) {
        this(settings, FreePorts.next());
    }

    private KafkaContainer(StackSettings settings, int port) {
        super("Kafka", new org.testcontainers.kafka.KafkaContainer(DockerImageName.parse(IMAGE))
                        .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
                        .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0"),
                9092, port, settings.newServiceDirectory("kafka-container-" + port, false).resolve("kafka.log"),
                () -> {
                    try (Admin admin = Admin.create(KafkaProcess.adminProperties("127.0.0.1:" + port))) {
                        return !admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty();
                    }
                });
    }

    @Override
    public String bootstrapServers() {
        return "127.0.0.1:" + hostPort();
    }
}
