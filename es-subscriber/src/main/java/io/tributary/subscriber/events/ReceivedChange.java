package io.tributary.subscriber.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.model.ChangeEvent;
import io.tributary.model.Operation;
import io.tributary.model.SourceInfo;
import io.tributary.model.TableId;
import java.util.List;
import java.util.Map;

/**
 * A change event as the subscriber reads it: {@link ChangeEvent} with its {@code after} row kept as JSON bytes
 * ({@link RowJson}), so a row that needs no reshaping goes into Elasticsearch as the producer wrote it. Same fields,
 * same meaning and same invariants as {@link ChangeEvent}.
 *
 * @param types as {@link ChangeEvent#types()}; events of one table usually share one map instance
 */
public record ReceivedChange(Operation op, SourceInfo source, ObjectNode key, ObjectNode before, RowJson after,
                             List<String> unchanged, Map<String, String> types) {

    public ReceivedChange {
        ChangeEvent.requireWellFormed(op, source, key, after != null);
        unchanged = unchanged == null ? List.of() : unchanged;
        types = types == null ? Map.of() : types;
    }

    /** The same change, its rows as trees turned into bytes (for tests and tools that build events). */
    public static ReceivedChange of(ChangeEvent event) {
        return new ReceivedChange(event.op(), event.source(), event.key(), event.before(),
                event.after() == null ? null : RowJson.of(event.after()), event.unchanged(), event.types());
    }

    public TableId tableId() {
        return source.tableId();
    }
}
