package io.tributary.pipeline;

import com.typesafe.config.ConfigFactory;
import io.tributary.subscriber.SubscriberSettings;

/** Settings of the services under test, stated as HOCON over their reference's defaults. */
public final class TestSettings {

    private TestSettings() {
    }

    /**
     * The subscriber's settings for {@code topic} as {@code group}, 500 records a poll, retrying Elasticsearch from
     * 100 ms up to 2 s, no operations port; {@code hocon} (lines of HOCON) over them.
     */
    public static SubscriberSettings subscriber(String bootstrapServers, String elasticsearchUrl, String topic,
                                                String group, String... hocon) {
        return SubscriberSettings.of(ConfigFactory.parseString(String.join("\n", hocon)).withFallback(
                ConfigFactory.parseString("""
                        tributary {
                          kafka { bootstrap-servers = "%s", topic = "%s", group-id = "%s", max-poll-records = 500 }
                          elasticsearch { urls = "%s", retry { initial-backoff = 100ms, max-backoff = 2s } }
                          http.port = 0
                        }
                        """.formatted(bootstrapServers, topic, group, elasticsearchUrl))));
    }
}
