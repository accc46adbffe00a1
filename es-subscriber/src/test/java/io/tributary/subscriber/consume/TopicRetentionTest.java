package io.tributary.subscriber.consume;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.subscriber.SubscriberSettings;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.junit.jupiter.api.Test;

class TopicRetentionTest {

    private static Config topic(String cleanup, long retentionMs, long segmentMs) {
        return new Config(List.of(new ConfigEntry("cleanup.policy", cleanup),
                new ConfigEntry("retention.ms", Long.toString(retentionMs)),
                new ConfigEntry("segment.ms", Long.toString(segmentMs))));
    }

    @Test
    void aRecordMayStayForTheRetentionPlusAnOpenSegmentPlusSlack() {
        assertEquals(Duration.ofDays(14).plusHours(1), TopicRetention.holds(topic("delete", Duration.ofDays(7)
                .toMillis(), Duration.ofDays(7).toMillis())));
        assertEquals(Duration.ofHours(3), TopicRetention.holds(topic("compact,delete", Duration.ofHours(1).toMillis(),
                Duration.ofHours(1).toMillis())));
        assertEquals(Duration.ofDays(14).plusHours(1), TopicRetention.holds(new Config(List.of())),
                "Kafka's defaults when the broker names none");
    }

    @Test
    void aTopicThatKeepsRecordsForEverKeepsMarkersForEver() {
        assertEquals(SubscriberSettings.Deletes.FOREVER, TopicRetention.holds(topic("delete", -1, 1000)));
        assertEquals(SubscriberSettings.Deletes.FOREVER, TopicRetention.holds(topic("compact", 1000, 1000)));
    }
}
