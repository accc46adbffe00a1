package io.tributary.inspector;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.inspector.TopicRecord.Change;
import io.tributary.inspector.TopicRecord.Undecodable;
import io.tributary.model.ChangeEvent;
import io.tributary.model.ChangeEventJson;
import java.util.Locale;

/**
 * How {@code tail} shows a record: as text for a person (a header line with partition, offset, operation, table,
 * key, LSN and commit time, then the before and after rows), or as one JSON object per line.
 */
enum EventFormat {
    TEXT {
        @Override
        String format(TopicRecord record) {
            String where = "partition " + record.partition() + " offset " + record.offset();
            if (record instanceof Undecodable undecodable) {
                return where + "  UNDECODABLE  " + undecodable.reason() + "  (record key: "
                        + undecodable.recordKey() + ")\n";
            }
            ChangeEvent event = ((Change) record).event();
            StringBuilder text = new StringBuilder(where)
                    .append("  ").append(event.op().code()).append(' ')
                    .append(event.op().name().toLowerCase(Locale.ROOT))
                    .append("  ").append(event.tableId())
                    .append("  key ").append(event.key().isEmpty() ? "-" : event.key().toString())
                    .append("  lsn ").append(event.source().lsn())
                    .append("  commit ").append(event.source().commitTimestamp() == null ? "-"
                            : event.source().commitTimestamp().toString())
                    .append('\n');
            appendRow(text, "before", event.before());
            appendRow(text, "after", event.after());
            if (!event.unchanged().isEmpty()) {
                text.append("  unchanged ").append(String.join(", ", event.unchanged())).append('\n');
            }
            return text.toString();
        }
    },

    JSON {
        @Override
        String format(TopicRecord record) {
            ObjectNode line = ChangeEventJson.mapper().createObjectNode();
            line.put("partition", record.partition());
            line.put("offset", record.offset());
            if (record instanceof Undecodable undecodable) {
                line.put("undecodable", undecodable.reason());
                line.put("recordKey", undecodable.recordKey());
            } else {
                JsonNode event = ChangeEventJson.mapper().valueToTree(((Change) record).event());
                line.set("event", event);
            }
            try {
                return ChangeEventJson.mapper().writeValueAsString(line) + "\n";
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot write partition " + record.partition() + " offset "
                        + record.offset() + " as JSON", e);
            }
        }
    };

    /** The record as one or more lines, each ending with a newline. */
    abstract String format(TopicRecord record);

    private static void appendRow(StringBuilder text, String label, ObjectNode row) {
        if (row != null) {
            text.append("  ").append(label).append(" ".repeat(7 - label.length())).append(row).append('\n');
        }
    }
}
