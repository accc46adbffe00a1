package io.tributary.subscriber.it;

import io.tributary.localstack.LocalStackExtension;
import io.tributary.localstack.RunningElasticsearch;
import io.tributary.localstack.RunningKafka;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;

/** What the subscriber ITs share: the real Kafka and Elasticsearch, and closing the harness a test opened. */
@ExtendWith(LocalStackExtension.class)
abstract class SubscriberItSupport {

    static final Duration WAIT = Duration.ofSeconds(60);

    final RunningKafka kafka;
    final RunningElasticsearch elasticsearch;
    SubscriberHarness harness;

    SubscriberItSupport(RunningKafka kafka, RunningElasticsearch elasticsearch) {
        this.kafka = kafka;
        this.elasticsearch = elasticsearch;
    }

    @AfterEach
    void closeHarness() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }
}
