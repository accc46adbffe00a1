package io.tributary.localstack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka (KRaft) started by {@link LocalStack} as a child JVM, listening on 127.0.0.1 (PLAINTEXT, and
 * SASL_SSL with SCRAM: {@link #saslSsl()}), with topic auto-creation off. {@link #stop()} / {@link #start()} keep the port and the log directories;
 * {@link #kill()} simulates a broker crash.
 *
 * <p>Thread-safe: lifecycle calls are serialised; {@link #bootstrapServers()} never changes.
 */
public final class RunningKafka {

    private static final Logger LOG = LoggerFactory.getLogger(RunningKafka.class);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaServer process;
    private boolean running;

    private RunningKafka(KafkaServer process) {
        this.process = process;
    }

    /** Formats a new broker on free ports and starts it. */
    static RunningKafka launch(StackSettings settings) {
        return launch(KafkaProcess.format(settings, FreePorts.next(), FreePorts.next(), FreePorts.next()));
    }

    /** Starts {@code broker}, a new broker of either {@link StackBackend}. */
    static RunningKafka launch(KafkaServer broker) {
        long started = System.nanoTime();
        RunningKafka kafka = new RunningKafka(broker);
        kafka.start();
        LOG.info("Kafka ready on {} in {} ms (log: {})", kafka.bootstrapServers(),
                (System.nanoTime() - started) / 1_000_000, kafka.logFile());
        return kafka;
    }

    /** {@code 127.0.0.1:<port>}. */
    public String bootstrapServers() {
        return process.bootstrapServers();
    }

    /** The SASL_SSL listener beside PLAINTEXT: its address, SCRAM user and password, and its CA. */
    public SaslSslListener saslSsl() {
        return process.saslSsl();
    }

    /**
     * Creates topic {@code name} with {@code partitions} partitions (replication factor 1) unless it exists, and
     * waits until every partition has a leader.
     */
    public void createTopic(String name, int partitions) {
        String what = "topic '" + name + "' with " + partitions + " partitions on " + bootstrapServers();
        try (Admin admin = Admin.create(KafkaProcess.adminProperties(bootstrapServers()))) {
            try {
                admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all()
                        .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new LocalStackException("could not create " + what + ": " + e.getCause(), e.getCause());
                }
            }
            Poll.until("every partition of " + what + " to have a leader", ADMIN_TIMEOUT, Duration.ofMillis(100),
                    () -> allPartitionsLed(admin, name), () -> "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalStackException("interrupted while creating " + what, e);
        } catch (TimeoutException e) {
            throw new LocalStackException("timed out after " + ADMIN_TIMEOUT.toSeconds() + " s creating " + what, e);
        }
    }

    private static boolean allPartitionsLed(Admin admin, String topic) throws Exception {
        TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(topic);
        return description.partitions().stream().allMatch(partition -> partition.leader() != null);
    }

    /** Stops the broker cleanly. Does nothing if it is stopped. */
    public synchronized void stop() {
        if (running) {
            process.stop();
            running = false;
            LOG.info("Kafka on {} stopped", bootstrapServers());
        }
    }

    /** Starts the broker again on the same port and log directories. Does nothing if it is running. */
    public synchronized void start() {
        if (!running) {
            long started = System.nanoTime();
            process.start();
            running = true;
            LOG.info("Kafka on {} started in {} ms", bootstrapServers(), (System.nanoTime() - started) / 1_000_000);
        }
    }

    /** Kills the broker JVM with SIGKILL (no controlled shutdown). {@link #start()} brings it back. */
    public synchronized void kill() {
        if (running) {
            process.kill();
            running = false;
            LOG.info("Kafka on {} killed", bootstrapServers());
        }
    }

    /** The broker's log (its console output). */
    public Path logFile() {
        return process.logFile();
    }

    @Override
    public String toString() {
        return "Kafka at " + bootstrapServers();
    }
}
