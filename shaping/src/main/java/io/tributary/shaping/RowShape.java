package io.tributary.shaping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.model.TableId;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How one table's rows become a change event's {@code after}, {@code key} and {@code types}: its columns in order,
 * each value converted by the {@link ValueConverter}. The producer's decoders build their rows' trees and keys with
 * it, and the verifier converts the rows it reads with it, so both give the same values by construction. A value
 * that does not fit its type throws a {@link ColumnValueException} naming the table and the column. Immutable.
 */
public final class RowShape {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final TableId table;
    private final List<TableColumn> columns;
    private final ValueConverter converter;
    private final Map<String, String> types;

    public RowShape(TableId table, List<TableColumn> columns, ValueConverter converter) {
        this.table = Objects.requireNonNull(table, "table");
        this.columns = List.copyOf(columns);
        this.converter = Objects.requireNonNull(converter, "converter");
        Map<String, String> typeNames = new LinkedHashMap<>();
        for (TableColumn column : this.columns) {
            typeNames.put(column.name(), converter.typeName(column.typeOid()));
        }
        this.types = Collections.unmodifiableMap(typeNames);
    }

    public TableId table() {
        return table;
    }

    public List<TableColumn> columns() {
        return columns;
    }

    /** Column name to type name, in column order: an event's {@code types}. */
    public Map<String, String> types() {
        return types;
    }

    /**
     * The value of column {@code column} (its index) as JSON.
     *
     * @param text the value in PostgreSQL's text output form; null for SQL NULL
     * @throws ColumnValueException when the text does not fit the column's type
     */
    public JsonNode value(int column, String text) {
        if (text == null) {
            return NODES.nullNode();
        }
        try {
            return converter.convert(columns.get(column).typeOid(), text);
        } catch (IllegalArgumentException e) {
            throw invalid(column, e);
        }
    }

    /** The failure of column {@code column} (its index) whose value did not fit: {@code e} with table and column. */
    public ColumnValueException invalid(int column, IllegalArgumentException e) {
        return new ColumnValueException(table, columns.get(column), e);
    }

    /**
     * The row image of a whole row.
     *
     * @param texts every column's value in text output form (null for SQL NULL), in column order
     * @throws ColumnValueException when a value does not fit its type
     */
    public ObjectNode row(List<String> texts) {
        checkSize(texts);
        ObjectNode row = NODES.objectNode();
        for (int i = 0; i < columns.size(); i++) {
            row.set(columns.get(i).name(), value(i, texts.get(i)));
        }
        return row;
    }

    /**
     * The key of a whole row: its key columns in column order; empty when the table has none.
     *
     * @param texts every column's value in text output form (null for SQL NULL), in column order
     * @throws ColumnValueException when a key value does not fit its type
     */
    public ObjectNode key(List<String> texts) {
        checkSize(texts);
        ObjectNode key = NODES.objectNode();
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).key()) {
                key.set(columns.get(i).name(), value(i, texts.get(i)));
            }
        }
        return key;
    }

    private void checkSize(List<String> texts) {
        if (texts.size() != columns.size()) {
            throw new IllegalArgumentException("a row of " + table + " has " + texts.size() + " values but the table"
                    + " has " + columns.size() + " columns");
        }
    }
}
