package io.tributary.subscriber.consume;

import io.tributary.model.MalformedChangeEventException;
import io.tributary.subscriber.apply.PlannedAhead;
import io.tributary.subscriber.apply.Rejection;
import io.tributary.subscriber.events.ChangeEventReader;
import io.tributary.subscriber.events.ReceivedChange;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * One batch's records (one or more polls), decoded as they are added: the change events in poll order (each
 * partition in offset order) with the partition of each, the records that are not change events, and the offsets the
 * batch starts at and commits. Records are decoded when {@linkplain #add added}, so a batch gathered while the one
 * before it is being applied is decoded meanwhile.
 */
final class Batch {

    static final String NOT_A_CHANGE_EVENT = "not-a-change-event";
    private static final int MAX_KEY_TEXT = 200;

    private final ChangeEventReader reader;
    private final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    private final List<ReceivedChange> events = new ArrayList<>();
    private final List<TopicPartition> eventPartitions = new ArrayList<>();
    private final List<ConsumerRecord<byte[], byte[]>> eventRecords = new ArrayList<>();
    private final List<DeadLetter> undecodable = new ArrayList<>();
    private final Map<TopicPartition, Long> firstOffsets = new HashMap<>();
    private final Map<TopicPartition, Long> lastOffsets = new HashMap<>();
    private TopicPartition lastPartition;
    private long oldestTimestamp = Long.MAX_VALUE;
    /** The writes planned ahead for exactly these events; null until tried, and again after any change. */
    private Optional<PlannedAhead> plannedAhead;

    /** An empty batch. */
    Batch(ChangeEventReader reader) {
        this.reader = reader;
    }

    /** A batch of {@code records}. */
    Batch(Iterable<ConsumerRecord<byte[], byte[]>> records, ChangeEventReader reader) {
        this(reader);
        records.forEach(this::add);
    }

    /** Adds and decodes {@code record}, which follows the batch's records of its partition. */
    void add(ConsumerRecord<byte[], byte[]> record) {
        plannedAhead = null; // planned for fewer events
        records.add(record);
        TopicPartition partition = lastPartition;
        if (partition == null || partition.partition() != record.partition()
                || !partition.topic().equals(record.topic())) {
            partition = new TopicPartition(record.topic(), record.partition());
            lastPartition = partition;
            firstOffsets.putIfAbsent(partition, record.offset());
        }
        lastOffsets.put(partition, record.offset());
        if (record.timestamp() >= 0) {
            oldestTimestamp = Math.min(oldestTimestamp, record.timestamp());
        }
        try {
            events.add(reader.read(record.key(), record.value(), record.headers()));
            eventPartitions.add(partition);
            eventRecords.add(record);
        } catch (MalformedChangeEventException e) {
            undecodable.add(new DeadLetter(record, NOT_A_CHANGE_EVENT, e.getMessage(), "", "", keyText(record)));
        }
    }

    /** Keeps {@code plan}, made ahead for this batch's events as they are now ({@link ApplyThread#planAhead}). */
    void plannedAhead(Optional<PlannedAhead> plan) {
        plannedAhead = plan;
    }

    /** True once a plan ahead was tried for the events as they are now, whether one was made or not. */
    boolean plannedAheadTried() {
        return plannedAhead != null;
    }

    /** The writes planned ahead for the events as they are now; empty when none was made. */
    Optional<PlannedAhead> plannedAhead() {
        return plannedAhead == null ? Optional.empty() : plannedAhead;
    }

    /** Records in the batch, change events or not. */
    int size() {
        return records.size();
    }

    boolean isEmpty() {
        return records.isEmpty();
    }

    /** The earliest Kafka timestamp of the batch's records; empty when none carries one. */
    OptionalLong oldestTimestamp() {
        return oldestTimestamp == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(oldestTimestamp);
    }

    /**
     * The same batch without the records of {@code partitions}.
     *
     * @param dropped receives the offset of the first record dropped of each of {@code partitions} it held
     */
    Batch without(Set<TopicPartition> partitions, Map<TopicPartition, Long> dropped) {
        Batch kept = new Batch(reader);
        for (ConsumerRecord<byte[], byte[]> record : records) {
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            if (partitions.contains(partition)) {
                dropped.merge(partition, record.offset(), Math::min);
            } else {
                kept.add(record);
            }
        }
        return kept;
    }

    /** The records of {@code partitions}, in batch order. */
    List<ConsumerRecord<byte[], byte[]>> recordsOf(Set<TopicPartition> partitions) {
        List<ConsumerRecord<byte[], byte[]>> of = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            if (partitions.contains(new TopicPartition(record.topic(), record.partition()))) {
                of.add(record);
            }
        }
        return of;
    }

    List<ReceivedChange> events() {
        return events;
    }

    /** The events of partitions other than {@code excluded}, in batch order. */
    List<ReceivedChange> eventsOutside(Set<TopicPartition> excluded) {
        List<ReceivedChange> outside = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            if (!excluded.contains(eventPartitions.get(i))) {
                outside.add(events.get(i));
            }
        }
        return outside;
    }

    /** The topic-partition of each of {@link #events}, at the same position. */
    List<TopicPartition> eventPartitions() {
        return eventPartitions;
    }

    Map<TopicPartition, Long> firstOffsets() {
        return firstOffsets;
    }

    /** The offset after each partition's last record: what committing the batch commits. */
    Map<TopicPartition, OffsetAndMetadata> nextOffsets() {
        Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
        lastOffsets.forEach((partition, offset) -> next.put(partition, new OffsetAndMetadata(offset + 1)));
        return next;
    }

    /**
     * The records that are not change events and those of {@code rejections} (positions in {@link #events}), in
     * partition and offset order.
     */
    List<DeadLetter> deadLetters(List<Rejection> rejections) {
        return deadLetters(rejections, Set.of());
    }

    /** {@link #deadLetters(List)} without the records of {@code held} partitions (applied later, by another batch). */
    List<DeadLetter> deadLetters(List<Rejection> rejections, Set<TopicPartition> held) {
        List<DeadLetter> letters = new ArrayList<>();
        for (DeadLetter letter : undecodable) {
            if (!held.contains(new TopicPartition(letter.record().topic(), letter.record().partition()))) {
                letters.add(letter);
            }
        }
        for (Rejection rejection : rejections) {
            ReceivedChange event = events.get(rejection.position());
            letters.add(new DeadLetter(eventRecords.get(rejection.position()), rejection.kind(), rejection.reason(),
                    rejection.index(), rejection.id(), event.tableId() + " " + event.key()));
        }
        letters.sort(Comparator.comparing((DeadLetter l) -> l.record().topic())
                .thenComparingInt(l -> l.record().partition()).thenComparingLong(l -> l.record().offset()));
        return letters;
    }

    private static String keyText(ConsumerRecord<byte[], byte[]> record) {
        if (record.key() == null) {
            return "(no key)";
        }
        String text = new String(record.key(), StandardCharsets.UTF_8);
        return text.length() <= MAX_KEY_TEXT ? text : text.substring(0, MAX_KEY_TEXT) + "…";
    }
}
