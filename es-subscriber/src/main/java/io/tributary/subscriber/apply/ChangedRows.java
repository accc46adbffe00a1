package io.tributary.subscriber.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.documents.DocumentTree;
import io.tributary.index.DocumentAddress;
import io.tributary.index.mapping.TableMapping;
import io.tributary.index.mapping.TableMappings;
import io.tributary.model.Operation;
import io.tributary.model.TableId;
import io.tributary.shaping.DocumentIds;
import io.tributary.subscriber.events.ReceivedChange;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a batch's events tell joined documents: for each document type, the states of the rows that changed — each
 * row's join columns before and after — from which {@link io.tributary.documents.AffectedRoots} finds the documents
 * to rebuild, and whether a whole type must be rebuilt (a truncate or a sweep of a table taking part). Pure.
 *
 * <p><b>Old states without REPLICA IDENTITY FULL:</b> PostgreSQL sends an update's old row only under FULL (and a
 * delete's only its key). The row's previous state is then taken from its per-table document as it was before the
 * batch ({@link #lookups}, read with the batch's other lookups). That state is exact: a row's changes are all in one
 * partition, applied in order, and documents are rebuilt <em>before</em> the batch's per-table writes, so a replayed
 * batch reads the same state or a newer one whose documents were rebuilt already. Every state a row takes within the
 * batch counts too: its documents before, in between, and after are all rebuilt.
 */
final class ChangedRows {

    /**
     * One document type's share of a batch.
     *
     * @param rows     by table, the distinct states (join column to text) of its changed rows
     * @param rebuildAll a truncate or sweep of a table taking part: every document must be rebuilt
     */
    record Work(Map<TableId, Set<Map<String, String>>> rows, boolean rebuildAll) {

        boolean isEmpty() {
            return rows.isEmpty() && !rebuildAll;
        }
    }

    private ChangedRows() {
    }

    /**
     * The per-table documents whose stored state gives the old join columns of rows of document tables that the
     * events do not carry.
     */
    static Set<DocumentAddress> lookups(List<ReceivedChange> events, List<DocumentTree> trees, TableMappings tables) {
        Set<DocumentAddress> addresses = new LinkedHashSet<>();
        Map<TableId, Set<String>> joinColumns = joinColumns(trees);
        for (ReceivedChange event : events) {
            Set<String> columns = joinColumns.get(event.tableId());
            // without a before-image the key did not change: its columns hold the old values too
            if (columns == null || (event.op() != Operation.UPDATE && event.op() != Operation.DELETE)
                    || hasAll(event.before() != null ? event.before() : event.key(), columns)) {
                continue;
            }
            previousAddress(event, tables).ifPresent(addresses::add);
        }
        return addresses;
    }

    /**
     * @param stored the documents read at {@link #lookups} (and others); absent when there is none
     * @return by document type, what to rebuild; a type the batch does not concern is absent
     */
    static Map<DocumentTree, Work> of(List<ReceivedChange> events, List<DocumentTree> trees,
                                      Map<DocumentAddress, ObjectNode> stored, TableMappings tables) {
        Map<TableId, Set<String>> joinColumns = joinColumns(trees);
        Map<TableId, Set<Map<String, String>>> states = new HashMap<>();
        Set<TableId> wholeTables = new LinkedHashSet<>();
        for (ReceivedChange event : events) {
            Set<String> columns = joinColumns.get(event.tableId());
            if (columns == null) {
                continue;
            }
            if (!event.op().isRowChange()) {
                if (event.op() == Operation.TRUNCATE || event.op() == Operation.SWEEP) {
                    wholeTables.add(event.tableId());
                }
                continue;
            }
            Set<Map<String, String>> rows = states.computeIfAbsent(event.tableId(), t -> new LinkedHashSet<>());
            if (event.after() != null) {
                add(rows, event.after().tree(), columns, null);
            }
            if (event.before() != null) {
                add(rows, event.before(), columns, null);
            }
            if (event.op() == Operation.DELETE) {
                add(rows, event.key(), columns, null);
            }
            if (event.op() == Operation.UPDATE || event.op() == Operation.DELETE) {
                TableMapping table = tables.forTable(event.tableId());
                previousAddress(event, tables).map(stored::get).ifPresent(document ->
                        add(rows, document, columns, table));
            }
        }
        Map<DocumentTree, Work> work = new LinkedHashMap<>();
        for (DocumentTree tree : trees) {
            Map<TableId, Set<Map<String, String>>> rows = new LinkedHashMap<>();
            boolean rebuildAll = false;
            for (TableId table : tree.tables()) {
                rebuildAll |= wholeTables.contains(table);
                Set<Map<String, String>> tableRows = states.get(table);
                if (tableRows != null && !tableRows.isEmpty()) {
                    rows.put(table, tableRows);
                }
            }
            Work share = new Work(rows, rebuildAll);
            if (!share.isEmpty()) {
                work.put(tree, share);
            }
        }
        return work;
    }

    /** The join columns of each table taking part in any of {@code trees}. */
    static Map<TableId, Set<String>> joinColumns(List<DocumentTree> trees) {
        Map<TableId, Set<String>> columns = new HashMap<>();
        for (DocumentTree tree : trees) {
            for (TableId table : tree.tables()) {
                columns.computeIfAbsent(table, t -> new LinkedHashSet<>()).addAll(tree.joinColumnsOf(table));
            }
        }
        return columns;
    }

    /**
     * Adds the join columns of {@code row} as text. {@code mapping} non-null: the row is a stored per-table document,
     * whose fields are named as that table's mapping keeps them.
     */
    private static void add(Set<Map<String, String>> rows, ObjectNode row, Set<String> columns, TableMapping mapping) {
        Map<String, String> state = new LinkedHashMap<>();
        for (String column : columns) {
            String field = mapping == null ? column : mapping.fieldOf(column).orElse(null);
            JsonNode value = field == null ? null : row.get(field);
            if (value != null && !value.isNull()) {
                state.put(column, text(value));
            }
        }
        if (!state.isEmpty()) {
            rows.add(state);
        }
    }

    /** A JSON value as PostgreSQL reads it back as a parameter: a string's text, a number's plain digits. */
    static String text(JsonNode value) {
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isBigDecimal()) {
            return value.decimalValue().toPlainString();
        }
        return value.isValueNode() ? value.asText() : value.toString();
    }

    private static boolean hasAll(ObjectNode row, Set<String> columns) {
        for (String column : columns) {
            if (!row.has(column)) {
                return false;
            }
        }
        return true;
    }

    /** Where the row's per-table document was before {@code event}: at its old key when the update changed it. */
    private static Optional<DocumentAddress> previousAddress(ReceivedChange event, TableMappings tables) {
        TableMapping table;
        try {
            table = tables.forTable(event.tableId());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        String oldId = BatchPlan.previousIdWhenKeyChanged(event);
        Optional<String> routing = table.routingValue(event.key(), event.before());
        if (routing.isEmpty() && event.after() != null) {
            // an update routed by a column that neither its key nor a before-image holds: the stored document is
            // where the row's routing value put it, which the update kept (a FULL before-image shows a change)
            routing = MappedRows.routingValue(table, event.after(), event.key(), event.before());
        }
        if (routing.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new DocumentAddress(table.target(), oldId != null ? oldId : DocumentIds.idFor(event.key()),
                routing.get()));
    }
}
