package io.tributary.subscriber.consume;

import io.tributary.subscriber.SubscriberSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

/**
 * How long the consumed topics may hold a record: {@code retention.ms} + {@code segment.ms} + {@link #SLACK} (Kafka
 * deletes a segment once its newest record is older than the retention, a segment stays open for up to
 * {@code segment.ms}, and the broker looks for expired segments every {@code log.retention.check.interval.ms}, 5 min by
 * default; the slack covers that and clock skew). The longest over the topics a pattern matches;
 * {@link SubscriberSettings.Deletes#FOREVER} when one keeps records for ever ({@code retention.ms = -1}, or
 * compaction alone). What {@code deletes.keep-for = auto} means.
 */
public final class TopicRetention {

    private static final long TIMEOUT_SECONDS = 30;
    /** Added to retention and segment time: the broker's retention check interval and clock skew. */
    static final Duration SLACK = Duration.ofHours(1);

    private TopicRetention() {
    }

    /**
     * @param existingTopics every topic on the cluster (the consumed ones are picked by name or pattern)
     * @throws IllegalStateException naming the topics when their configuration cannot be read, and what to set
     */
    public static Duration longest(SubscriberSettings.Kafka kafka, Set<String> existingTopics) {
        List<ConfigResource> topics = new ArrayList<>();
        for (String name : existingTopics) {
            if (TopicNames.isPattern(kafka.topic()) ? TopicNames.regex(kafka.topic()).matcher(name).matches()
                    : name.equals(kafka.topic())) {
                topics.add(new ConfigResource(ConfigResource.Type.TOPIC, name));
            }
        }
        Map<String, Object> config = new HashMap<>();
        kafka.properties().forEach((name, value) -> {
            if (AdminClientConfig.configNames().contains(name)) {
                config.put(name, value);
            }
        });
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        Map<ConfigResource, Config> configs;
        try (Admin admin = Admin.create(config)) {
            configs = admin.describeConfigs(topics).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw cannotRead(kafka, e.getCause() != null ? e.getCause() : e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw cannotRead(kafka, e);
        }
        Duration longest = Duration.ZERO;
        for (Config topic : configs.values()) {
            Duration holds = holds(topic);
            if (holds.compareTo(longest) > 0) {
                longest = holds;
            }
        }
        return longest;
    }

    /** How long one topic may hold a record, by its configuration. */
    public static Duration holds(Config topic) {
        String cleanup = value(topic, TopicConfig.CLEANUP_POLICY_CONFIG, "delete");
        long retention = Long.parseLong(value(topic, TopicConfig.RETENTION_MS_CONFIG, "604800000"));
        long segment = Long.parseLong(value(topic, TopicConfig.SEGMENT_MS_CONFIG, "604800000"));
        if (retention < 0 || !cleanup.contains("delete")) {
            return SubscriberSettings.Deletes.FOREVER;
        }
        return Duration.ofMillis(retention).plusMillis(segment).plus(SLACK);
    }

    private static String value(Config topic, String name, String fallback) {
        ConfigEntry entry = topic.get(name);
        return entry == null || entry.value() == null ? fallback : entry.value();
    }

    private static IllegalStateException cannotRead(SubscriberSettings.Kafka kafka, Throwable cause) {
        return new IllegalStateException("cannot read the retention of topic " + kafka.topic() + " on "
                + kafka.bootstrapServers() + " (" + cause.getMessage() + "), which decides how long delete"
                + " markers are kept; grant DescribeConfigs on the topic, or set"
                + " tributary.elasticsearch.deletes.keep-for to a duration at least the topic's retention.ms +"
                + " segment.ms", cause);
    }
}
