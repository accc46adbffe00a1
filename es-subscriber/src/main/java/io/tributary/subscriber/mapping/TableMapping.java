package io.tributary.subscriber.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.model.TableId;
import io.tributary.subscriber.events.RowJson;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How one table's rows become documents: the index (or alias) they are written to, which columns are kept and
 * under which field names, the column that routes them, and the mappings of a newly created index. Immutable,
 * validated when the settings are read ({@code tributary.tables}); a table without an entry gets
 * {@link #defaults}.
 *
 * <p>Invariant: {@link #shape} (documents), {@link #fieldOf} (unchanged TOAST columns) and {@link #fieldTypes}
 * (mappings) apply the same include/exclude/rename, so a merged document and its mapping name the same fields. The
 * document {@code _id} is always built from the event's key, whatever is kept.
 *
 * @param index       the concrete index created behind the alias, {@code <alias>-000001}; without an alias (an index
 *                    made by hand, or an older Tributary's) the index written to as it is
 * @param alias       the name documents are written and searched by ({@code tributary.tables} {@code index} or
 *                    {@code alias}, by default {@code <schema>.<table>} in lower case): an alias that hides delete
 *                    markers, which the subscriber creates over {@code index} when it is missing
 * @param include     the columns kept; empty: every column
 * @param exclude     the columns dropped
 * @param rename      column to field name
 * @param routing     the column whose value routes a row's document
 * @param mappingFile the mappings to create the index with, instead of derived ones
 */
public record TableMapping(TableId table, String index, Optional<String> alias, Set<String> include,
                           Set<String> exclude, Map<String, String> rename, Optional<String> routing,
                           Optional<MappingFile> mappingFile) {

    /** The suffix of the index created behind an alias. */
    public static final String FIRST_GENERATION = "-000001";

    /**
     * A mapping file's content, read at startup.
     *
     * @param mappings what {@code GET /<index>/_mapping} shows under {@code mappings}
     */
    public record MappingFile(Path path, ObjectNode mappings) {
    }

    public TableMapping {
        include = Set.copyOf(include);
        exclude = Set.copyOf(exclude);
        rename = Map.copyOf(rename);
    }

    /**
     * Every column kept under its own name, searched as {@code <schema>.<table>} (an alias over the index
     * {@code <schema>.<table>-000001}).
     *
     * @throws IllegalArgumentException naming the table when that index name is impossible
     */
    public static TableMapping defaults(TableId table) {
        String name = IndexNaming.indexFor(table);
        return new TableMapping(table, name + FIRST_GENERATION, Optional.of(name), Set.of(), Set.of(), Map.of(),
                Optional.empty(), Optional.empty());
    }

    /** Where documents are written and read: the alias, else the index. */
    public String target() {
        return alias.orElse(index);
    }

    /** The field {@code column} is kept as; empty when the column is dropped. */
    public Optional<String> fieldOf(String column) {
        if (exclude.contains(column) || !include.isEmpty() && !include.contains(column)) {
            return Optional.empty();
        }
        return Optional.of(rename.getOrDefault(column, column));
    }

    /** True when every column is kept under its own name, so a row is its document as it is. */
    public boolean keepsRowsAsTheyAre() {
        return include.isEmpty() && exclude.isEmpty() && rename.isEmpty();
    }

    /** The document for {@code row}: the kept columns under their field names, in the row's order. */
    public ObjectNode shape(ObjectNode row) {
        if (keepsRowsAsTheyAre()) {
            return row;
        }
        ObjectNode document = JsonNodeFactory.instance.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> fields = row.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            fieldOf(field.getKey()).ifPresent(name -> document.set(name, field.getValue()));
        }
        return document;
    }

    /** {@link #shape(ObjectNode)} of a row kept as JSON bytes: the same bytes when nothing changes. */
    public RowJson shape(RowJson row) {
        return keepsRowsAsTheyAre() ? row : RowJson.of(shape(row.tree()));
    }

    /** The fields of the columns in {@code columns}, in order, dropped columns left out. */
    public List<String> fieldsOf(List<String> columns) {
        if (columns.isEmpty()) {
            return List.of();
        }
        return columns.stream().map(this::fieldOf).flatMap(Optional::stream).toList();
    }

    /** Each kept column's field and PostgreSQL type name, from an event's {@code types}, in column order. */
    public Map<String, String> fieldTypes(Map<String, String> columnTypes) {
        Map<String, String> fields = new LinkedHashMap<>();
        columnTypes.forEach((column, type) -> fieldOf(column).ifPresent(field -> fields.put(field, type)));
        return fields;
    }

    /**
     * The routing value of a row: the routing column's value in the first of {@code rows} that has it (a JSON
     * string's text, any other value's JSON; {@code ""} for SQL NULL, which routes by {@code _id} as without a
     * routing column); empty when none of them has the column. Without a routing column: {@code ""}.
     */
    public Optional<String> routingValue(ObjectNode... rows) {
        if (routing.isEmpty()) {
            return Optional.of("");
        }
        for (ObjectNode row : rows) {
            JsonNode value = row == null ? null : row.get(routing.get());
            if (value != null) {
                return Optional.of(value.isNull() ? "" : value.isTextual() ? value.textValue() : value.toString());
            }
        }
        return Optional.empty();
    }

    /**
     * {@link #routingValue(ObjectNode...)} of an inserted or updated row, else its key, else its before-image; the
     * row is read into a tree only when the table routes by a column.
     */
    public Optional<String> routingValue(RowJson after, ObjectNode key, ObjectNode before) {
        return routing.isEmpty() ? Optional.of("") : routingValue(after == null ? null : after.tree(), key, before);
    }
}
