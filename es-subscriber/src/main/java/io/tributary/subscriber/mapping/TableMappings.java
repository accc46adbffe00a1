package io.tributary.subscriber.mapping;

import io.tributary.model.TableId;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each table's {@link TableMapping}: the configured ones ({@code tributary.tables}), else the defaults. Immutable,
 * thread-safe.
 */
public final class TableMappings {

    private final Map<TableId, TableMapping> configured;
    /** The defaults of tables without an entry, made once per table (the tables of one database: bounded). */
    private final Map<TableId, TableMapping> defaults = new ConcurrentHashMap<>();

    public TableMappings(Map<TableId, TableMapping> configured) {
        this.configured = Map.copyOf(configured);
    }

    /** @throws IllegalArgumentException naming the table when it has no entry and its default index is impossible */
    public TableMapping forTable(TableId table) {
        TableMapping mapping = configured.get(table);
        return mapping != null ? mapping : defaults.computeIfAbsent(table, TableMapping::defaults);
    }
}
