package io.tributary.shaping;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The database's type catalog ({@code pg_type}) with one query, so value conversion can recognise enums, domains,
 * extension types such as hstore, and arrays of them, whose OIDs differ from database to database. The producer,
 * joined documents and the verifier all load their {@link PgTypes} with it.
 *
 * <p>A type is an array when it is its element type's array type ({@code typarray}); this leaves out the few base
 * types with an element type that are not arrays ({@code name}, {@code point}, {@code int2vector}, …). The row types
 * of tables, views and other relations (two entries per table, counting their arrays) are left out: their values keep
 * their text form either way, and a database with many tables would otherwise fill memory with them. Composite
 * types made with {@code CREATE TYPE … AS (…)} stay in. Stateless.
 */
public final class TypeCatalog {

    static final String QUERY = """
            SELECT t.oid, t.typname, n.nspname, t.typtype, t.typcategory, coalesce(e.oid, 0) AS element_oid,
                   t.typbasetype, t.typdelim
            FROM pg_type t
            JOIN pg_namespace n ON n.oid = t.typnamespace
            LEFT JOIN pg_type e ON e.oid = t.typelem AND e.typarray = t.oid
            LEFT JOIN pg_class r ON r.oid = t.typrelid
            LEFT JOIN pg_class er ON er.oid = e.typrelid
            WHERE coalesce(r.relkind, 'c') = 'c' AND coalesce(er.relkind, 'c') = 'c'""";

    private TypeCatalog() {
    }

    /** Runs the catalog query on an open connection. */
    public static List<PgType> query(Connection connection) throws SQLException {
        List<PgType> types = new ArrayList<>(1024);
        try (Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(QUERY)) {
            while (result.next()) {
                types.add(new PgType((int) result.getLong("oid"), result.getString("typname"),
                        result.getString("nspname"), firstChar(result.getString("typtype")),
                        firstChar(result.getString("typcategory")), (int) result.getLong("element_oid"),
                        (int) result.getLong("typbasetype"), firstChar(result.getString("typdelim"))));
            }
        }
        return types;
    }

    private static char firstChar(String value) {
        return value == null || value.isEmpty() ? '\0' : value.charAt(0);
    }
}
