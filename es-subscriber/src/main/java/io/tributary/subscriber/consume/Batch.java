package io.tributary.subscriber.consume;

import io.tributary.model.MalformedChangeEventException;
import io.tributary.subscriber.apply.Rejection;
import io.tributary.subscriber.events.ChangeEventReader;
import io.tributary.subscriber.events.ReceivedChange;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * One batch's records (one or more polls), decoded: the change events in poll order (each partition in offset
 * order) with the partition of each, the records that are not change events, and the offsets the batch starts at
 * and commits.
 */
final class Batch {

    static final String NOT_A_CHANGE_EVENT = "not-a-change-event";
    private static final int MAX_KEY_TEXT = 200;

    private final List<ReceivedChange> events = new ArrayList<>();
    private final List<TopicPartition> eventPartitions = new ArrayList<>();
    private final List<ConsumerRecord<byte[], byte[]>> eventRecords = new ArrayList<>();
    private final List<DeadLetter> undecodable = new ArrayList<>();
    private final Map<TopicPartition, Long> firstOffsets = new HashMap<>();
    private final Map<TopicPartition, Long> lastOffsets = new HashMap<>();

    Batch(Iterable<ConsumerRecord<byte[], byte[]>> records, ChangeEventReader reader) {
        TopicPartition partition = null;
        for (ConsumerRecord<byte[], byte[]> record : records) {
            if (partition == null || partition.partition() != record.partition()
                    || !partition.topic().equals(record.topic())) {
                partition = new TopicPartition(record.topic(), record.partition());
                firstOffsets.putIfAbsent(partition, record.offset());
            }
            lastOffsets.put(partition, record.offset());
            try {
                events.add(reader.read(record.key(), record.value(), record.headers()));
                eventPartitions.add(partition);
                eventRecords.add(record);
            } catch (MalformedChangeEventException e) {
                undecodable.add(new DeadLetter(record, NOT_A_CHANGE_EVENT, e.getMessage(), "", "", keyText(record)));
            }
        }
    }

    List<ReceivedChange> events() {
        return events;
    }

    /** The events of partitions other than {@code excluded}, in batch order. */
    List<ReceivedChange> eventsOutside(java.util.Set<TopicPartition> excluded) {
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
        return deadLetters(rejections, java.util.Set.of());
    }

    /** {@link #deadLetters(List)} without the records of {@code held} partitions (applied later, by another batch). */
    List<DeadLetter> deadLetters(List<Rejection> rejections, java.util.Set<TopicPartition> held) {
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
