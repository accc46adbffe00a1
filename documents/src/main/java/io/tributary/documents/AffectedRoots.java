package io.tributary.documents;

import io.tributary.model.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the documents a changed row is part of: walks the join tree upwards from the row's values, with one query
 * per place the table takes part ({@link DocumentTree#occurrencesOf}), joining the enclosing tables from the root
 * down and selecting the distinct root keys whose chain ends at the row. A root row is its own document.
 *
 * <p>Asked with the row's <em>new</em> values, it finds the documents the row is in now; with its <em>old</em> values
 * (before the change), the documents it was in, which may since have lost it (a child moved to another parent). The
 * caller asks both. The walk runs in the caller's transaction, so it sees the same snapshot as the rebuild that
 * follows; the keys are read with a cursor ({@code fetchSize}) and handed over a page at a time, so a row that is in
 * a million documents takes one page of memory. Thread-safe (stateless between calls).
 */
public final class AffectedRoots {

    /** Receives root keys (as text, in key order), a page at a time. */
    @FunctionalInterface
    public interface PageHandler {
        void handle(List<List<String>> rootKeys) throws Exception;
    }

    private final DocumentTree tree;

    public AffectedRoots(DocumentTree tree) {
        this.tree = tree;
    }

    /**
     * Hands the keys of every document one of {@code rows} of {@code table} is part of to {@code handler}, a page at
     * a time (a key may come more than once, from different rows or places).
     *
     * @param rows     states of changed rows: column name to value as text (null or absent for SQL NULL or
     *                 unknown); a state lacking a join column relates to nothing through it
     * @param pageSize keys per page at most
     */
    public void find(Connection connection, TableId table, List<Map<String, String>> rows, int pageSize,
                     PageHandler handler) throws Exception {
        for (DocumentTree.Occurrence occurrence : tree.occurrencesOf(table)) {
            List<String> columns = matchedColumns(occurrence);
            Set<List<String>> tuples = new LinkedHashSet<>();
            for (Map<String, String> row : rows) {
                List<String> tuple = new ArrayList<>(columns.size());
                for (String column : columns) {
                    String value = row.get(column);
                    if (value == null) {
                        tuple = null;
                        break;
                    }
                    tuple.add(value);
                }
                if (tuple != null) {
                    tuples.add(tuple);
                }
            }
            if (tuples.isEmpty()) {
                continue;
            }
            if (occurrence.role() == DocumentTree.Role.ROOT) {
                List<List<String>> keys = new ArrayList<>(tuples);
                for (int from = 0; from < keys.size(); from += pageSize) {
                    handler.handle(keys.subList(from, Math.min(keys.size(), from + pageSize)));
                }
                continue;
            }
            query(connection, occurrence, new ArrayList<>(tuples), pageSize, handler);
        }
    }

    /** The columns of the changed row the walk starts from at {@code occurrence}. */
    static List<String> matchedColumns(DocumentTree.Occurrence occurrence) {
        DocumentTree.Node node = occurrence.node();
        return switch (occurrence.role()) {
            case ROOT -> node.table().key();
            case LINK -> node.through().orElseThrow().on().stream().map(ColumnPair::inner).toList();
            case JOINED -> node.through().map(link -> link.to().stream().map(ColumnPair::inner).toList())
                    .orElseGet(() -> node.on().stream().map(ColumnPair::inner).toList());
        };
    }

    /** {@code SELECT DISTINCT <root key> FROM <root> JOIN … <enclosing> [JOIN <link>] WHERE (<match>) IN (…)}. */
    static String sql(DocumentTree.Occurrence occurrence, int tuples) {
        List<DocumentTree.Node> path = occurrence.path();
        DocumentTree.Node node = occurrence.node();
        StringBuilder from = new StringBuilder(SqlNames.table(path.get(0).table().table()) + " t0");
        for (int i = 1; i < path.size() - 1; i++) {
            from.append(join(path.get(i), "t" + (i - 1), "t" + i));
        }
        String enclosing = "t" + (path.size() - 2);
        List<String> match = new ArrayList<>();
        if (occurrence.role() == DocumentTree.Role.JOINED && node.through().isPresent()) {
            DocumentTree.Link link = node.through().get();
            from.append(" JOIN ").append(SqlNames.table(link.table().table())).append(" l ON ")
                    .append(equalities(link.on(), enclosing, "l"));
            link.to().forEach(pair -> match.add("l." + SqlNames.quote(pair.outer())));
        } else {
            List<ColumnPair> pairs = node.through().map(DocumentTree.Link::on).orElse(node.on());
            pairs.forEach(pair -> match.add(enclosing + "." + SqlNames.quote(pair.outer())));
        }
        StringBuilder key = new StringBuilder();
        for (String column : path.get(0).table().key()) {
            key.append(key.isEmpty() ? "" : ", ").append("t0.").append(SqlNames.quote(column));
        }
        String tuple = match.size() == 1 ? "?" : "(" + SqlNames.placeholders(match.size()) + ")";
        return "SELECT DISTINCT " + key + " FROM " + from + " WHERE (" + String.join(", ", match) + ") IN ("
                + String.join(", ", Collections.nCopies(tuples, tuple)) + ")";
    }

    private static String join(DocumentTree.Node node, String outer, String inner) {
        String table = SqlNames.table(node.table().table());
        if (node.through().isPresent()) {
            DocumentTree.Link link = node.through().get();
            String linkAlias = "l" + inner;
            return " JOIN " + SqlNames.table(link.table().table()) + " " + linkAlias + " ON "
                    + equalities(link.on(), outer, linkAlias) + " JOIN " + table + " " + inner + " ON "
                    + equalities(link.to(), linkAlias, inner);
        }
        return " JOIN " + table + " " + inner + " ON " + equalities(node.on(), outer, inner);
    }

    private static String equalities(List<ColumnPair> pairs, String outer, String inner) {
        StringBuilder sql = new StringBuilder();
        for (ColumnPair pair : pairs) {
            sql.append(sql.isEmpty() ? "" : " AND ").append(outer).append('.').append(SqlNames.quote(pair.outer()))
                    .append(" = ").append(inner).append('.').append(SqlNames.quote(pair.inner()));
        }
        return sql.toString();
    }

    private static void query(Connection connection, DocumentTree.Occurrence occurrence, List<List<String>> tuples,
                              int pageSize, PageHandler handler) throws Exception {
        int arity = tuples.get(0).size();
        int keyWidth = occurrence.path().get(0).table().key().size();
        int perStatement = Math.max(1, SourceLimits.MAX_PARAMETERS / arity);
        for (int from = 0; from < tuples.size(); from += perStatement) {
            List<List<String>> slice = tuples.subList(from, Math.min(tuples.size(), from + perStatement));
            try (PreparedStatement query = connection.prepareStatement(sql(occurrence, slice.size()))) {
                query.setFetchSize(pageSize);
                int parameter = 1;
                for (List<String> tuple : slice) {
                    for (String value : tuple) {
                        query.setObject(parameter++, value, Types.OTHER);
                    }
                }
                try (ResultSet result = query.executeQuery()) {
                    List<List<String>> page = new ArrayList<>(pageSize);
                    while (result.next()) {
                        List<String> key = new ArrayList<>(keyWidth);
                        for (int i = 1; i <= keyWidth; i++) {
                            key.add(result.getString(i));
                        }
                        page.add(key);
                        if (page.size() == pageSize) {
                            handler.handle(page);
                            page = new ArrayList<>(pageSize);
                        }
                    }
                    if (!page.isEmpty()) {
                        handler.handle(page);
                    }
                }
            }
        }
    }
}
