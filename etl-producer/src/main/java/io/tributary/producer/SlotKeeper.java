package io.tributary.producer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tributary.model.ChangeEvent;
import io.tributary.producer.ProducerSettings.OnSlotLoss;
import io.tributary.producer.publish.TopicHistory;
import io.tributary.producer.replication.ReplicationSlots;
import io.tributary.producer.replication.SlotInfo;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the slot for each stream session and tells a first start from a lost slot.
 *
 * <p>A missing slot is created silently only on a first start: when this process has not streamed it yet and the
 * topic holds no event of this database. Otherwise the slot was lost (dropped, or a failover to a standby that had
 * no copy of it) and the changes made since are not in Kafka: that is never a silent gap. Under
 * {@code on-slot-loss = fail} it stops the producer; under {@code recreate} it logs an error, counts it, and
 * creates a new slot. Not thread-safe: used by the replication thread.
 */
final class SlotKeeper {

    private static final Logger LOG = LoggerFactory.getLogger(SlotKeeper.class);

    private final ProducerSettings settings;
    private final ReplicationSlots slots;
    private final String database;
    private final List<String> topics;
    private final Counter losses;
    private final Counter recreations;
    private boolean streamedBefore;

    /** @param topics the topics this producer writes to (one, or one per table) */
    SlotKeeper(ProducerSettings settings, String database, List<String> topics, MeterRegistry metrics) {
        this.settings = settings;
        this.topics = List.copyOf(topics);
        this.slots = new ReplicationSlots(settings.source().endpoint(), settings.source().plugin());
        this.database = database;
        this.losses = Counter.builder("tributary.producer.slot.losses")
                .description("Times the slot was found missing although the producer had streamed from it")
                .register(metrics);
        this.recreations = Counter.builder("tributary.producer.slot.recreations")
                .description("Slots created again after a loss (on-slot-loss = recreate)").register(metrics);
    }

    /** The slot to stream from now, created when missing and allowed. */
    SlotInfo obtain() throws SQLException {
        String slot = settings.source().slot();
        Optional<SlotInfo> existing = slots.find(slot);
        if (existing.isPresent()) {
            streamedBefore = true;
            return existing.get();
        }
        Optional<String> evidence = evidenceOfEarlierStreaming();
        if (evidence.isPresent()) {
            losses.increment();
            String message = "replication slot " + slot + " is missing although " + evidence.get()
                    + "; changes committed while the slot did not exist are NOT in Kafka";
            if (settings.source().onSlotLoss() == OnSlotLoss.FAIL) {
                throw new SlotLostException(message + ". Restore the slot, or set tributary.postgres.on-slot-loss"
                        + " = recreate to stream on from now and repair the gap with a snapshot");
            }
            LOG.error("{}. Creating a new slot (tributary.postgres.on-slot-loss = recreate); repair the gap with a"
                    + " snapshot", message);
            recreations.increment();
        }
        SlotInfo created = slots.create(slot, settings.source().slotFailover());
        streamedBefore = true;
        return created;
    }

    private Optional<String> evidenceOfEarlierStreaming() {
        if (streamedBefore) {
            return Optional.of("this producer streamed from it since it started");
        }
        ProducerSettings.Target target = settings.target();
        for (String topic : topics) {
            Optional<ChangeEvent> last = TopicHistory.lastEventOf(target.bootstrapServers(), target.properties(),
                    topic, database);
            if (last.isPresent()) {
                ChangeEvent event = last.get();
                return Optional.of("topic " + topic + " holds events of database " + database + " (the newest"
                        + " at " + event.source().lsn() + ")");
            }
        }
        return Optional.empty();
    }
}
