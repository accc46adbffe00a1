package io.tributary.subscriber.mapping;

import io.tributary.model.TableId;
import java.util.Map;

/**
 * Each table's {@link TableMapping}: the configured ones ({@code tributary.tables}), else the defaults. Immutable,
 * thread-safe.
 */
public final class TableMappings {

    private final Map<TableId, TableMapping> configured;

    public TableMappings(Map<TableId, TableMapping> configured) {
        this.configured = Map.copyOf(configured);
    }

    /** @throws IllegalArgumentException naming the table when it has no entry and its default index is impossible */
    public TableMapping forTable(TableId table) {
        TableMapping mapping = configured.get(table);
        return mapping != null ? mapping : TableMapping.defaults(table);
    }
}
