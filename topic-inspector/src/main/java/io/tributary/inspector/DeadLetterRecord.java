package io.tributary.inspector;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.inspector.TopicRecord.Change;
import io.tributary.inspector.TopicRecord.Undecodable;
import io.tributary.model.ChangeEventJson;
import io.tributary.model.TableId;
import io.tributary.subscriber.consume.DeadLetterPublisher;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * One record of the dead-letter topic, read back: where it sits there, when it was written, why (the
 * {@code tributary.dlq.*} headers {@link DeadLetterPublisher} adds) and what it holds (the change event's table,
 * key, operation and LSN, or why the value is not a change event).
 *
 * @param partition       its partition in the dead-letter topic
 * @param offset          its offset there
 * @param time            when it was dead-lettered (the record's timestamp)
 * @param kind            the short name of the reason ({@code mapper_parsing_exception}, {@code not-a-change-event});
 *                        empty when the header is missing
 * @param reason          what went wrong, as the subscriber said it; empty when missing
 * @param sourceTopic     the change topic it was read from; empty when missing
 * @param sourcePartition its partition there, when known
 * @param sourceOffset    its offset there, when known
 * @param index           the index it was meant for; empty when unknown
 * @param content         the value, decoded as {@code tail} decodes it
 */
record DeadLetterRecord(int partition, long offset, Instant time, String kind, String reason, String sourceTopic,
                        OptionalInt sourcePartition, OptionalLong sourceOffset, String index, TopicRecord content) {

    /** Never throws: missing or garbled headers leave their fields empty. */
    static DeadLetterRecord read(ConsumerRecord<byte[], byte[]> record) {
        Headers headers = record.headers();
        return new DeadLetterRecord(record.partition(), record.offset(), Instant.ofEpochMilli(record.timestamp()),
                text(headers, DeadLetterPublisher.KIND), text(headers, DeadLetterPublisher.REASON),
                text(headers, DeadLetterPublisher.TOPIC), integer(headers, DeadLetterPublisher.PARTITION),
                number(headers, DeadLetterPublisher.OFFSET), text(headers, DeadLetterPublisher.INDEX),
                TopicRecord.decode(record));
    }

    /** Whether it says where it came from, so that it can be sent back there. */
    boolean hasSource() {
        return !sourceTopic.isEmpty() && sourcePartition.isPresent();
    }

    /** {@code topic-partition@offset} in the change topic, or {@code (unknown)}. */
    String source() {
        if (!hasSource()) {
            return "(unknown)";
        }
        return sourceTopic + "-" + sourcePartition.getAsInt()
                + (sourceOffset.isPresent() ? "@" + sourceOffset.getAsLong() : "");
    }

    /**
     * When the change was committed in PostgreSQL, or, when the event does not say (a snapshot row, not a change
     * event), when it was dead-lettered: a delete of its row can only have come after it.
     */
    Instant changeTime() {
        if (content instanceof Change change && change.event().source().commitTimestamp() != null) {
            return change.event().source().commitTimestamp();
        }
        return time;
    }

    /**
     * Whether its change is older than {@code keepFor} at {@code now}: a delete of its row may then be forgotten
     * (its delete marker purged), so that re-sending it could bring the row back.
     */
    boolean olderThan(Duration keepFor, Instant now) {
        return Duration.between(changeTime(), now).compareTo(keepFor) > 0;
    }

    /** The change event's table; empty when the value is not a change event. */
    Optional<TableId> table() {
        return content instanceof Change change ? Optional.of(change.event().tableId()) : Optional.empty();
    }

    /** The change event's key as JSON, or the record key's text when the value is not a change event. */
    String key() {
        if (content instanceof Change change) {
            ObjectNode key = change.event().key();
            return key.isEmpty() ? "-" : key.toString();
        }
        return ((Undecodable) content).recordKey();
    }

    /** The change event's operation code and LSN ({@code u 0/1A2B3C8}); empty when it is not a change event. */
    Optional<String> change() {
        return content instanceof Change change
                ? Optional.of(change.event().op().code() + " " + change.event().source().lsn()) : Optional.empty();
    }

    /** The letter as one JSON object, every field present ({@code null} when unknown). */
    ObjectNode toJson() {
        ObjectNode json = ChangeEventJson.mapper().createObjectNode();
        json.put("partition", partition);
        json.put("offset", offset);
        json.put("time", time.toString());
        json.put("kind", kind);
        json.put("reason", reason);
        ObjectNode source = json.putObject("source");
        source.put("topic", sourceTopic.isEmpty() ? null : sourceTopic);
        if (sourcePartition.isPresent()) {
            source.put("partition", sourcePartition.getAsInt());
        } else {
            source.putNull("partition");
        }
        if (sourceOffset.isPresent()) {
            source.put("offset", sourceOffset.getAsLong());
        } else {
            source.putNull("offset");
        }
        json.put("index", index.isEmpty() ? null : index);
        json.put("table", table().map(TableId::toString).orElse(null));
        if (content instanceof Change change) {
            json.set("key", change.event().key());
            json.put("op", change.event().op().code());
            json.put("lsn", change.event().source().lsn().toString());
        } else {
            json.put("recordKey", key());
            json.put("undecodable", ((Undecodable) content).reason());
        }
        return json;
    }

    private static String text(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static OptionalInt integer(Headers headers, String name) {
        try {
            return OptionalInt.of(Integer.parseInt(text(headers, name)));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    private static OptionalLong number(Headers headers, String name) {
        try {
            return OptionalLong.of(Long.parseLong(text(headers, name)));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
