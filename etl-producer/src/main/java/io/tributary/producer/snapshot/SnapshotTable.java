package io.tributary.producer.snapshot;

import io.tributary.model.TableId;
import io.tributary.producer.decoding.ReplicationMessage.Column;
import io.tributary.producer.decoding.ReplicationMessage.Relation;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One table to read, as the stream will describe its rows.
 *
 * @param relation      its columns in order, with types and the replica identity's key flags, as pgoutput sends
 *                      them (generated columns left out); the events' key and types come from it
 * @param pagingColumns the primary key (else the replica identity index) to page by; empty when the table has
 *                      neither, and it is read with one cursor in physical (ctid) order instead
 * @param estimatedRows {@code pg_class.reltuples}; negative when the table was never analysed
 */
record SnapshotTable(TableId table, Relation relation, List<PagingColumn> pagingColumns, long estimatedRows) {

    SnapshotTable {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(relation, "relation");
        pagingColumns = List.copyOf(pagingColumns);
    }

    /** Whether the table is read page by page in key order (else with a cursor). */
    boolean pagedByKey() {
        return !pagingColumns.isEmpty();
    }

    /**
     * The columns each query selects: the relation's columns in order, then any paging column that is not among
     * them (a generated column in the key), whose values are only used to find the next page.
     */
    List<String> selectedColumns() {
        List<String> names = new ArrayList<>();
        relation.columns().forEach(column -> names.add(column.name()));
        for (PagingColumn paging : pagingColumns) {
            if (!names.contains(paging.name())) {
                names.add(paging.name());
            }
        }
        return names;
    }

    /** Whether any column is flagged as a key: rows of a table without one cannot be addressed downstream. */
    boolean hasKeyColumns() {
        return relation.columns().stream().anyMatch(Column::key);
    }
}
