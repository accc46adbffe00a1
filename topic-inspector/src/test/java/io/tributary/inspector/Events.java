package io.tributary.inspector;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.model.ChangeEvent;
import io.tributary.model.ChangeEventJson;
import io.tributary.model.Lsn;
import io.tributary.model.Operation;
import io.tributary.model.SourceInfo;
import io.tributary.model.TableId;
import java.time.Instant;

/** Change events for the tests: one row of a table, with an {@code id} key and a {@code status} column. */
final class Events {

    static final Instant COMMIT = Instant.parse("2026-11-22T06:00:00.123456Z");

    private Events() {
    }

    static ChangeEvent of(Operation op, String table, long id, long lsn) {
        TableId tableId = TableId.parse(table);
        SourceInfo source = new SourceInfo("app", tableId.schema(), tableId.table(), Lsn.of(lsn), Lsn.of(lsn + 8),
                700 + id, COMMIT);
        ObjectNode key = json("{\"id\":" + id + "}");
        ObjectNode row = json("{\"id\":" + id + ",\"status\":\"" + op.name().toLowerCase() + "\"}");
        return switch (op) {
            case DELETE -> new ChangeEvent(op, source, key, key, null);
            case TRUNCATE, SWEEP -> new ChangeEvent(op, source, ChangeEventJson.mapper().createObjectNode(), null, null);
            default -> new ChangeEvent(op, source, key, null, row);
        };
    }

    static ObjectNode json(String text) {
        try {
            return (ObjectNode) ChangeEventJson.mapper().readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}
