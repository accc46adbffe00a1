package io.tributary.documents;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/**
 * Every root key of a document type, a page at a time in key order (keyset pagination: each page starts after the
 * last key of the one before, so every page is an index range scan and may be read in a transaction of its own).
 * What full builds and {@code verify} walk. Not thread-safe: one walk per instance.
 */
public final class RootKeyPages {

    private final String firstSql;
    private final String nextSql;
    private final int width;
    private List<String> last;
    private boolean exhausted;

    public RootKeyPages(DocumentTree tree) {
        CatalogTable root = tree.root().table();
        List<String> key = root.key();
        this.width = key.size();
        String select = "SELECT " + SqlNames.list(key) + " FROM " + SqlNames.table(root.table());
        String order = " ORDER BY " + SqlNames.list(key) + " LIMIT ?";
        this.firstSql = select + order;
        this.nextSql = select + " WHERE (" + SqlNames.list(key) + ") > (" + SqlNames.placeholders(width) + ")"
                + order;
    }

    /** The next keys (as text, in key order), at most {@code size}; empty once every key was read. */
    public List<List<String>> next(Connection connection, int size) throws SQLException {
        if (exhausted) {
            return List.of();
        }
        List<List<String>> keys = new ArrayList<>(size);
        try (PreparedStatement query = connection.prepareStatement(last == null ? firstSql : nextSql)) {
            int parameter = 1;
            if (last != null) {
                for (String value : last) {
                    query.setObject(parameter++, value, Types.OTHER);
                }
            }
            query.setInt(parameter, size);
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    List<String> key = new ArrayList<>(width);
                    for (int i = 1; i <= width; i++) {
                        key.add(result.getString(i));
                    }
                    keys.add(List.copyOf(key));
                }
            }
        }
        exhausted = keys.size() < size;
        if (!keys.isEmpty()) {
            last = keys.get(keys.size() - 1);
        }
        return keys;
    }

    /** How many root rows PostgreSQL estimates ({@code reltuples}); 0 when never analysed. */
    public static long estimate(Connection connection, DocumentTree tree) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = ?::regclass")) {
            query.setString(1, SqlNames.table(tree.root().table().table()));
            try (ResultSet result = query.executeQuery()) {
                return result.next() ? result.getLong(1) : 0;
            }
        }
    }
}
