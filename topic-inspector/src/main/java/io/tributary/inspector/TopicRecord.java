package io.tributary.inspector;

import io.tributary.model.ChangeEvent;
import io.tributary.model.ChangeEventJson;
import io.tributary.model.DebeziumEventReader;
import io.tributary.model.MalformedChangeEventException;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** A record of the change topic, decoded: a change event, or something that is not one. */
sealed interface TopicRecord permits TopicRecord.Change, TopicRecord.Undecodable {

    int partition();

    long offset();

    /** A record holding a change event. */
    record Change(int partition, long offset, ChangeEvent event) implements TopicRecord {
    }

    /**
     * A record that is a change event in neither envelope.
     *
     * @param recordKey the record's key as text (shortened), or {@code (none)}
     * @param reason    what is wrong with the value
     */
    record Undecodable(int partition, long offset, String recordKey, String reason) implements TopicRecord {
    }

    /**
     * Reads either envelope, as the subscriber does ({@link DebeziumEventReader#read}). Never throws: a value that is
     * not a change event becomes {@link Undecodable}.
     */
    static TopicRecord decode(ConsumerRecord<byte[], byte[]> record) {
        try {
            return new Change(record.partition(), record.offset(), DebeziumEventReader.read(record.key(),
                    record.value(), record.headers(), ChangeEventJson::decode, event -> event));
        } catch (MalformedChangeEventException e) {
            return new Undecodable(record.partition(), record.offset(), keyText(record.key()), e.getMessage());
        }
    }

    private static String keyText(byte[] key) {
        if (key == null) {
            return "(none)";
        }
        String text = new String(key, StandardCharsets.UTF_8);
        return text.length() <= 200 ? text : text.substring(0, 200) + "…";
    }
}
