package io.tributary.producer.snapshot;

import io.tributary.producer.replication.Identifiers;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The SQL that reads a table chunk by chunk. A table with a unique key is read by keyset pagination: each chunk
 * starts after the previous chunk's last key, in key order, so every query is an index range scan however deep into
 * the table it is, and no row is read twice or skipped. The row comparison {@code (k1, k2) > (…)} and the
 * {@code ORDER BY} use the same columns, collations and operators. Tables without one are read with a single query
 * (the caller fetches it through a cursor). {@code FROM ONLY}: the stream names rows of inheritance children after
 * the child, so a parent's snapshot holds its own rows only. Pure: no connection.
 */
final class ChunkQueries {

    private ChunkQueries() {
    }

    /** The first chunk of a table paged by key. */
    static String firstChunk(SnapshotTable table, int chunkSize) {
        return select(table) + orderAndLimit(table, chunkSize);
    }

    /** The next chunk: one parameter per paging column, the previous chunk's last values in text form. */
    static String chunkAfter(SnapshotTable table, int chunkSize) {
        List<PagingColumn> paging = requirePaging(table);
        String columns = paging.stream().map(column -> Identifiers.quote(column.name()))
                .collect(Collectors.joining(", "));
        String values = paging.stream().map(column -> "CAST(? AS " + column.sqlType() + ")")
                .collect(Collectors.joining(", "));
        return select(table) + " WHERE (" + columns + ") > (" + values + ")" + orderAndLimit(table, chunkSize);
    }

    /** The whole table of a table without a unique key, in physical order. */
    static String wholeTable(SnapshotTable table) {
        return select(table);
    }

    private static String select(SnapshotTable table) {
        return "SELECT " + table.selectedColumns().stream().map(Identifiers::quote).collect(Collectors.joining(", "))
                + " FROM ONLY " + Identifiers.qualified(table.table());
    }

    private static String orderAndLimit(SnapshotTable table, int chunkSize) {
        return " ORDER BY " + requirePaging(table).stream().map(column -> Identifiers.quote(column.name()))
                .collect(Collectors.joining(", ")) + " LIMIT " + chunkSize;
    }

    private static List<PagingColumn> requirePaging(SnapshotTable table) {
        if (!table.pagedByKey()) {
            throw new IllegalArgumentException(table.table() + " has no unique key to page by");
        }
        return table.pagingColumns();
    }
}
