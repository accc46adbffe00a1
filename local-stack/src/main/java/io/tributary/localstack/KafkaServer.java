package io.tributary.localstack;

import java.nio.file.Path;

/**
 * A Kafka broker as {@link RunningKafka} drives it, whichever {@link StackBackend} runs it: a local child JVM
 * ({@link KafkaProcess}) or a container. {@link #stop()} and {@link #start()} keep the port and the log directories.
 */
interface KafkaServer {

    void start();

    void stop();

    /** Stops the broker at once, without a controlled shutdown. */
    void kill();

    /** {@code 127.0.0.1:<port>}. */
    String bootstrapServers();

    Path logFile();

    /** The SASL_SSL listener beside PLAINTEXT; only brokers run as local processes have one. */
    default SaslSslListener saslSsl() {
        throw new LocalStackException("this broker (" + bootstrapServers() + ") has no SASL_SSL listener: only the"
                + " local-process backend starts one");
    }
}
