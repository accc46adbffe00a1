package io.tributary.subscriber.apply;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.index.mapping.TableMapping;
import io.tributary.subscriber.events.RowJson;
import java.util.Optional;

/** A {@link TableMapping} applied to rows kept as JSON bytes: a row is read into a tree only when needed. */
final class MappedRows {

    private MappedRows() {
    }

    /** {@link TableMapping#shape(ObjectNode)} of {@code row}: the same bytes when nothing changes. */
    static RowJson shape(TableMapping table, RowJson row) {
        return table.keepsRowsAsTheyAre() ? row : RowJson.of(table.shape(row.tree()));
    }

    /**
     * {@link TableMapping#routingValue(ObjectNode...)} of an inserted or updated row, else its key, else its
     * before-image; the row is read into a tree only when the table routes by a column.
     */
    static Optional<String> routingValue(TableMapping table, RowJson after, ObjectNode key, ObjectNode before) {
        return table.routing().isEmpty() ? Optional.of("")
                : table.routingValue(after == null ? null : after.tree(), key, before);
    }
}
