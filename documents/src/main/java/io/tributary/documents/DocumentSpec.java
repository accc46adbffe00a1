package io.tributary.documents;

import io.tributary.model.TableId;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One document type as configured ({@code tributary.documents.<name>}): one document per row of {@code root}, its
 * {@code _id} from the root's key, with the rows of {@code joins} embedded. Validated against the database by
 * {@link DocumentChecks}, which turns it into a {@link DocumentTree}.
 *
 * @param name the index (or alias) the documents are searched by; the subscriber creates it as an alias over
 *             {@code <name>-000001}
 */
public record DocumentSpec(String name, TableId root, ColumnSelection columns, List<JoinSpec> joins) {

    public DocumentSpec {
        joins = List.copyOf(joins);
    }

    /** Every table whose changes can change a document: the root, joined and link tables. */
    public Set<TableId> tables() {
        Set<TableId> tables = new LinkedHashSet<>();
        tables.add(root);
        addTables(joins, tables);
        return tables;
    }

    private static void addTables(List<JoinSpec> joins, Set<TableId> tables) {
        for (JoinSpec join : joins) {
            join.through().ifPresent(through -> tables.add(through.table()));
            tables.add(join.table());
            addTables(join.joins(), tables);
        }
    }
}
