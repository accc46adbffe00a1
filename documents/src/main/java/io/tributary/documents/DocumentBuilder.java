package io.tributary.documents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.shaping.DocumentIds;
import io.tributary.shaping.ValueConverter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds documents of one type by reading PostgreSQL: for a page of root keys, one query for the root rows, then one
 * query per join for the rows related to all the rows of the level above (and so on down the tree), assembled in
 * Java. Every value is converted by {@link ValueConverter} from PostgreSQL's text output — the same conversion as
 * per-table documents — and the {@code _id} is made by {@link DocumentIds} from the converted key.
 *
 * <p>All queries of one call run on the caller's connection, in the caller's transaction: in one REPEATABLE READ
 * transaction the documents of a page are the join at one snapshot (the version they are written at). Memory is one
 * page of roots and their related rows. Arrays are ordered by the join's {@code order-by}, then the joined table's
 * key; a related row shared by several enclosing rows is read once. A row whose join columns are null relates to
 * nothing, as in SQL. Thread-safe (stateless between calls).
 */
public final class DocumentBuilder {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final DocumentTree tree;
    private final ValueConverter values;

    /**
     * A document built.
     *
     * @param keyTexts the root row's key in PostgreSQL's text form, in key order
     */
    public record Built(String id, List<String> keyTexts, ObjectNode document) {
    }

    /** A row read: its values as text in column order, and its document (kept fields, then embedded joins). */
    private record Row(List<String> texts, ObjectNode document) {
    }

    public DocumentBuilder(DocumentTree tree, ValueConverter values) {
        this.tree = tree;
        this.values = values;
    }

    public DocumentTree tree() {
        return tree;
    }

    /**
     * The documents of the roots among {@code rootKeys} that exist; a key with no row has no document.
     *
     * @param rootKeys root keys as text, in the root table's key order
     * @throws SQLException when PostgreSQL fails a query
     * @throws IllegalStateException naming the document, table and column of a value that cannot be converted
     */
    public List<Built> build(Connection connection, Collection<List<String>> rootKeys) throws SQLException {
        DocumentTree.Node root = tree.root();
        List<String> key = root.table().key();
        List<Row> rows = select(connection, root, SqlNames.table(root.table().table()) + " t", "t", key,
                new ArrayList<>(new LinkedHashSet<>(rootKeys)), 0);
        attach(connection, root, rows);
        List<Built> built = new ArrayList<>(rows.size());
        int[] keyPositions = positions(root.table(), key);
        for (Row row : rows) {
            List<String> keyTexts = new ArrayList<>(keyPositions.length);
            for (int position : keyPositions) {
                keyTexts.add(row.texts().get(position));
            }
            built.add(new Built(idOf(keyTexts), List.copyOf(keyTexts), row.document()));
        }
        return built;
    }

    /** The {@code _id} of the root whose key, as text, is {@code keyTexts}: what per-table documents use too. */
    public String idOf(List<String> keyTexts) {
        DocumentTree.Node root = tree.root();
        ObjectNode key = JSON.objectNode();
        List<String> columns = root.table().key();
        for (int i = 0; i < columns.size(); i++) {
            CatalogTable.Column column = root.table().column(columns.get(i)).orElseThrow();
            key.set(column.name(), convert(root, column, keyTexts.get(i)));
        }
        return DocumentIds.idFor(key);
    }

    /** Embeds, in each of {@code rows} (of {@code node}'s table), the rows each join of {@code node} relates to it. */
    private void attach(Connection connection, DocumentTree.Node node, List<Row> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        for (DocumentTree.Node child : node.children()) {
            int[] outer = positions(node.table(), child.outerColumns());
            Set<List<String>> tuples = new LinkedHashSet<>();
            for (Row row : rows) {
                List<String> tuple = tuple(row, outer, 0);
                if (tuple != null) {
                    tuples.add(tuple);
                }
            }
            Map<List<String>, List<Row>> related = related(connection, child, new ArrayList<>(tuples));
            for (Row row : rows) {
                List<String> tuple = tuple(row, outer, 0);
                List<Row> matched = tuple == null ? List.of() : related.getOrDefault(tuple, List.of());
                if (child.many()) {
                    ArrayNode array = row.document().putArray(child.field());
                    matched.forEach(match -> array.add(match.document()));
                } else {
                    row.document().set(child.field(), matched.isEmpty() ? JSON.nullNode() : matched.get(0).document());
                }
            }
            Set<Row> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
            related.values().forEach(distinct::addAll);
            attach(connection, child, new ArrayList<>(distinct));
        }
    }

    /** The rows of {@code node}'s table related to each tuple of the enclosing table's join columns. */
    private Map<List<String>, List<Row>> related(Connection connection, DocumentTree.Node node,
                                                 List<List<String>> tuples) throws SQLException {
        String table = SqlNames.table(node.table().table());
        List<Row> rows;
        int prefix;
        List<String> matchColumns;
        if (node.through().isPresent()) {
            DocumentTree.Link link = node.through().get();
            StringBuilder from = new StringBuilder(SqlNames.table(link.table().table()) + " l JOIN " + table
                    + " t ON ");
            for (int i = 0; i < link.to().size(); i++) {
                ColumnPair pair = link.to().get(i);
                from.append(i == 0 ? "" : " AND ").append("l.").append(SqlNames.quote(pair.outer())).append(" = t.")
                        .append(SqlNames.quote(pair.inner()));
            }
            matchColumns = link.on().stream().map(ColumnPair::inner).toList();
            prefix = matchColumns.size();
            rows = select(connection, node, from.toString(), "l", matchColumns, tuples, prefix);
        } else {
            matchColumns = node.on().stream().map(ColumnPair::inner).toList();
            prefix = 0;
            rows = select(connection, node, table + " t", "t", matchColumns, tuples, 0);
        }
        int[] match = prefix > 0 ? null : positions(node.table(), matchColumns);
        Map<List<String>, List<Row>> byTuple = new LinkedHashMap<>();
        for (Row row : rows) {
            List<String> tuple = match == null ? row.texts().subList(0, prefix) : tuple(row, match, 0);
            byTuple.computeIfAbsent(List.copyOf(tuple), t -> new ArrayList<>()).add(prefix > 0
                    ? new Row(row.texts().subList(prefix, row.texts().size()), row.document()) : row);
        }
        return byTuple;
    }

    /**
     * {@code SELECT [<match columns of alias>,] t.<every column> FROM <from> WHERE (<alias>.<match>) IN (tuples)
     * ORDER BY <order>}, a statement per slice of tuples small enough for PostgreSQL's parameter limit.
     *
     * @param prefix how many match columns lead each result row (a link's), 0 when they are the table's own
     */
    private List<Row> select(Connection connection, DocumentTree.Node node, String from, String alias,
                             List<String> matchColumns, List<List<String>> tuples, int prefix) throws SQLException {
        List<Row> rows = new ArrayList<>();
        if (tuples.isEmpty()) {
            return rows;
        }
        StringBuilder columns = new StringBuilder();
        if (prefix > 0) {
            for (String column : matchColumns) {
                columns.append(alias).append('.').append(SqlNames.quote(column)).append(", ");
            }
        }
        List<CatalogTable.Column> tableColumns = node.table().columns();
        for (int i = 0; i < tableColumns.size(); i++) {
            columns.append(i == 0 ? "" : ", ").append("t.").append(SqlNames.quote(tableColumns.get(i).name()));
        }
        StringBuilder match = new StringBuilder();
        for (int i = 0; i < matchColumns.size(); i++) {
            match.append(i == 0 ? "" : ", ").append(alias).append('.').append(SqlNames.quote(matchColumns.get(i)));
        }
        StringBuilder order = new StringBuilder();
        for (String column : node.orderBy()) {
            order.append(order.isEmpty() ? "" : ", ").append("t.").append(SqlNames.quote(column));
        }
        int arity = matchColumns.size();
        String tuple = arity == 1 ? "?" : "(" + SqlNames.placeholders(arity) + ")";
        int perStatement = Math.max(1, SourceLimits.MAX_PARAMETERS / arity);
        for (int from0 = 0; from0 < tuples.size(); from0 += perStatement) {
            List<List<String>> slice = tuples.subList(from0, Math.min(tuples.size(), from0 + perStatement));
            String sql = "SELECT " + columns + " FROM " + from + " WHERE (" + match + ") IN ("
                    + String.join(", ", Collections.nCopies(slice.size(), tuple)) + ")"
                    + (order.isEmpty() ? "" : " ORDER BY " + order);
            try (PreparedStatement query = connection.prepareStatement(sql)) {
                int parameter = 1;
                for (List<String> values : slice) {
                    for (String value : values) {
                        query.setObject(parameter++, value, Types.OTHER);
                    }
                }
                try (ResultSet result = query.executeQuery()) {
                    int width = prefix + tableColumns.size();
                    while (result.next()) {
                        List<String> texts = new ArrayList<>(width);
                        for (int i = 1; i <= width; i++) {
                            texts.add(result.getString(i));
                        }
                        rows.add(new Row(texts, document(node, texts.subList(prefix, width))));
                    }
                }
            }
        }
        return rows;
    }

    /** The kept columns of a row under their field names, converted. */
    private ObjectNode document(DocumentTree.Node node, List<String> texts) {
        ObjectNode document = JSON.objectNode();
        List<CatalogTable.Column> columns = node.table().columns();
        ColumnSelection selection = node.columns();
        for (int i = 0; i < columns.size(); i++) {
            CatalogTable.Column column = columns.get(i);
            String text = texts.get(i);
            selection.fieldOf(column.name()).ifPresent(field -> document.set(field, convert(node, column, text)));
        }
        return document;
    }

    private JsonNode convert(DocumentTree.Node node, CatalogTable.Column column, String text) {
        if (text == null) {
            return JSON.nullNode();
        }
        try {
            return values.convert(column.typeOid(), text);
        } catch (RuntimeException e) {
            throw new IllegalStateException("document " + tree.name() + ": column " + column.name() + " of "
                    + node.table().table() + " (" + column.typeName() + ") holds a value that cannot be converted: "
                    + e.getMessage(), e);
        }
    }

    private static List<String> tuple(Row row, int[] positions, int offset) {
        List<String> tuple = new ArrayList<>(positions.length);
        for (int position : positions) {
            String text = row.texts().get(offset + position);
            if (text == null) {
                return null;
            }
            tuple.add(text);
        }
        return tuple;
    }

    private static int[] positions(CatalogTable table, List<String> columns) {
        int[] positions = new int[columns.size()];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = table.position(columns.get(i));
            if (positions[i] < 0) {
                throw new IllegalArgumentException("table " + table.table() + " has no column " + columns.get(i));
            }
        }
        return positions;
    }
}
