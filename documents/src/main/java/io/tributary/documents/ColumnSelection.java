package io.tributary.documents;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which columns of a table a document keeps and under which field names: {@code columns} (keep only these),
 * {@code exclude} (drop these) and {@code rename} (column to field), as {@code tributary.tables} and
 * {@code tributary.documents} configure them. Immutable; validated by {@link ColumnSelectionReader}.
 *
 * @param include the columns kept; empty: every column
 * @param exclude the columns dropped
 * @param rename  column to field name
 */
public record ColumnSelection(Set<String> include, Set<String> exclude, Map<String, String> rename) {

    /** Every column, under its own name. */
    public static final ColumnSelection ALL = new ColumnSelection(Set.of(), Set.of(), Map.of());

    public ColumnSelection {
        include = Set.copyOf(include);
        exclude = Set.copyOf(exclude);
        rename = Map.copyOf(rename);
    }

    /** The field {@code column} is kept as; empty when the column is dropped. */
    public Optional<String> fieldOf(String column) {
        if (exclude.contains(column) || !include.isEmpty() && !include.contains(column)) {
            return Optional.empty();
        }
        return Optional.of(rename.getOrDefault(column, column));
    }

    /** True when every column is kept under its own name. */
    public boolean keepsEverything() {
        return include.isEmpty() && exclude.isEmpty() && rename.isEmpty();
    }

    /** Every column this selection names (kept, dropped or renamed), to check against the table's columns. */
    public Set<String> namedColumns() {
        java.util.Set<String> named = new java.util.LinkedHashSet<>(include);
        named.addAll(exclude);
        named.addAll(rename.keySet());
        return named;
    }
}
