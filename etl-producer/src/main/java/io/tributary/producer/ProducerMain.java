package io.tributary.producer;

import io.tributary.ops.ServiceLauncher;

/**
 * {@code java -jar etl-producer.jar --config producer.conf}: streams until SIGTERM (graceful: Kafka acknowledges
 * everything sent, then the final position is flushed) or a failure (exit status 1; a restart resumes from the
 * last flushed position). A configuration mistake exits with status 2 and a message naming the key.
 */
public final class ProducerMain {

    private ProducerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        ServiceLauncher.run("etl-producer", args, file -> ProducerSettings.load(file, System.getenv()),
                ProducerSettings::httpPort, EtlProducer::new);
    }
}
