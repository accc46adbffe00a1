package io.tributary.documents;

import io.tributary.model.TableId;
import java.util.List;
import java.util.Optional;

/**
 * One join of a document as configured: the rows of {@code table} related to each row of the enclosing table,
 * embedded under {@code field}: an object or null ({@code many = false}), an array ordered by {@code orderBy} or
 * the joined table's key ({@code many = true}).
 *
 * @param field   the field the joined rows are embedded under (the join's name in the configuration)
 * @param on      how a joined row relates to an enclosing row; empty when {@code through} says it
 * @param through a link table between the two (many-to-many); empty for a direct join
 * @param orderBy columns of {@code table} the array is ordered by; empty: its key
 * @param joins   joins nested in this one, relative to {@code table}
 */
public record JoinSpec(String field, TableId table, List<ColumnPair> on, Optional<Through> through, boolean many,
                       List<String> orderBy, ColumnSelection columns, List<JoinSpec> joins) {

    /**
     * A link table: {@code on} relates it to the enclosing table, {@code to} to the joined one.
     *
     * @param on pairs of (enclosing column, link column)
     * @param to pairs of (link column, joined column)
     */
    public record Through(TableId table, List<ColumnPair> on, List<ColumnPair> to) {

        public Through {
            on = List.copyOf(on);
            to = List.copyOf(to);
        }
    }

    public JoinSpec {
        on = List.copyOf(on);
        orderBy = List.copyOf(orderBy);
        joins = List.copyOf(joins);
    }
}
