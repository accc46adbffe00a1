package io.tributary.subscriber.consume;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tributary.ops.CommitLatency;
import io.tributary.subscriber.events.ReceivedChange;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The consume loop's metrics: {@code tributary.subscriber.retries} (batch attempts Elasticsearch could not take),
 * {@code tributary.subscriber.consumer.lag{topic,partition}} (records behind the end of each owned partition, as of
 * the last poll) and {@code tributary.subscriber.end.to.end.lag} (milliseconds from the commit in PostgreSQL of the
 * newest change of the last applied batch to its being applied; 0 once a poll finds nothing new; events without a
 * commit timestamp are left out) and the histogram {@code tributary.subscriber.commit.to.applied} (seconds from the
 * commit in PostgreSQL, by its clock, to Elasticsearch accepting the batch holding the change, by this host's clock;
 * one sample per change event with a commit timestamp).
 *
 * <p>Updated by the consumer thread (the Kafka consumer is not thread-safe), read by whoever scrapes the registry.
 */
public final class ConsumerMetrics {

    private final MeterRegistry registry;
    private final Clock clock;
    private final Counter retries;
    private final CommitLatency commitToApplied;
    private final AtomicLong endToEndLagMillis = new AtomicLong();
    private final Map<TopicPartition, AtomicLong> lags = new HashMap<>();
    private final Map<TopicPartition, Gauge> lagGauges = new HashMap<>();

    public ConsumerMetrics(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
        this.retries = Counter.builder("tributary.subscriber.retries")
                .description("Attempts to apply a batch that Elasticsearch could not take, each retried")
                .register(registry);
        Gauge.builder("tributary.subscriber.end.to.end.lag", endToEndLagMillis, AtomicLong::get)
                .description("Commit in PostgreSQL to applied in Elasticsearch, of the last batch's newest change")
                .baseUnit("milliseconds").register(registry);
        this.commitToApplied = CommitLatency.register(registry, "tributary.subscriber.commit.to.applied",
                "Elasticsearch accepting the change", clock);
    }

    void retried() {
        retries.increment();
    }

    /** After a poll: the lag of each owned partition; partitions no longer owned lose their gauge. */
    void polled(Consumer<?, ?> consumer) {
        Set<TopicPartition> owned = consumer.assignment();
        for (Iterator<Map.Entry<TopicPartition, Gauge>> it = lagGauges.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<TopicPartition, Gauge> entry = it.next();
            if (!owned.contains(entry.getKey())) {
                registry.remove(entry.getValue());
                lags.remove(entry.getKey());
                it.remove();
            }
        }
        for (TopicPartition partition : owned) {
            consumer.currentLag(partition).ifPresent(lag -> lagOf(partition).set(lag));
        }
    }

    private AtomicLong lagOf(TopicPartition partition) {
        return lags.computeIfAbsent(partition, p -> {
            AtomicLong lag = new AtomicLong();
            lagGauges.put(p, Gauge.builder("tributary.subscriber.consumer.lag", lag, AtomicLong::get)
                    .description("Records behind the end of the partition, as of the last poll")
                    .tag("topic", p.topic()).tag("partition", Integer.toString(p.partition()))
                    .baseUnit("records").register(registry));
            return lag;
        });
    }

    /**
     * A batch is applied (or dead-lettered) and committed; Elasticsearch had accepted it at {@code appliedAtMillis}
     * (this host's clock).
     */
    void applied(List<ReceivedChange> events, long appliedAtMillis) {
        Instant newest = null;
        for (ReceivedChange event : events) {
            Instant committed = event.source().commitTimestamp();
            if (committed != null) {
                commitToApplied.reachedAt(appliedAtMillis, committed);
                if (newest == null || committed.isAfter(newest)) {
                    newest = committed;
                }
            }
        }
        if (newest != null) {
            endToEndLagMillis.set(Math.max(0, clock.millis() - newest.toEpochMilli()));
        }
    }

    /** A poll found nothing new: the subscriber is caught up. */
    void caughtUp() {
        endToEndLagMillis.set(0);
    }
}
