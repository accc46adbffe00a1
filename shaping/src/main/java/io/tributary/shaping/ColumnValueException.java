package io.tributary.shaping;

import io.tributary.model.TableId;

/**
 * A row's value that does not fit its column's type. The message names the column, the table and the type; the
 * cause (an {@link InvalidValueException}, or another {@link IllegalArgumentException} of the conversion) names the
 * offending text.
 */
public final class ColumnValueException extends IllegalArgumentException {

    private final TableId table;
    private final String column;

    public ColumnValueException(TableId table, TableColumn column, IllegalArgumentException cause) {
        super("column " + column.name() + " of " + table + " (type oid " + column.typeOid() + "): "
                + cause.getMessage(), cause);
        this.table = table;
        this.column = column.name();
    }

    public TableId table() {
        return table;
    }

    public String column() {
        return column;
    }
}
