package io.tributary.producer.replication;

import io.tributary.shaping.PgType;
import io.tributary.shaping.PgTypes;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads the database's type catalog ({@code pg_type}) with one query, so value conversion can recognise enums,
 * domains, extension types such as hstore, and arrays of them, whose OIDs differ from database to database.
 *
 * <p>A type is an array when it is its element type's array type ({@code typarray}); this leaves out the few base
 * types with an element type that are not arrays ({@code name}, {@code point}, {@code int2vector}, …). The row types
 * of tables, views and other relations (two entries per table, counting their arrays) are left out: their values keep
 * their text form either way, and a database with many tables would otherwise fill memory with them. Composite
 * types made with {@code CREATE TYPE … AS (…)} stay in.
 *
 * <p>The {@link PgTypes} it returns reloads the catalog through a new query connection the first time it meets each
 * unknown OID (a type created after startup). A failed reload throws {@link IllegalStateException} into the stream,
 * which then stops and resumes from the last flushed position on restart.
 */
public final class TypeCatalogLoader {

    static final String QUERY = """
            SELECT t.oid, t.typname, n.nspname, t.typtype, t.typcategory, coalesce(e.oid, 0) AS element_oid,
                   t.typbasetype, t.typdelim
            FROM pg_type t
            JOIN pg_namespace n ON n.oid = t.typnamespace
            LEFT JOIN pg_type e ON e.oid = t.typelem AND e.typarray = t.oid
            LEFT JOIN pg_class r ON r.oid = t.typrelid
            LEFT JOIN pg_class er ON er.oid = e.typrelid
            WHERE coalesce(r.relkind, 'c') = 'c' AND coalesce(er.relkind, 'c') = 'c'""";

    private final PostgresEndpoint endpoint;

    public TypeCatalogLoader(PostgresEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    /**
     * Loads the catalog now.
     *
     * @return lookups by OID that reload the catalog once per OID they do not know
     */
    public PgTypes loadTypes() throws SQLException {
        return PgTypes.fromCatalog(load(), this::reload);
    }

    /** The catalog's rows as they are now, with one query; {@link #loadTypes()} is what the stream needs. */
    public List<PgType> load() throws SQLException {
        try (Connection connection = endpoint.openQueryConnection()) {
            return query(connection);
        }
    }

    /** Runs the catalog query on an open connection. */
    static List<PgType> query(Connection connection) throws SQLException {
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

    private List<PgType> reload() {
        try {
            return load();
        } catch (SQLException e) {
            throw new IllegalStateException("reloading the type catalog (pg_type) from " + endpoint + " failed: "
                    + e.getMessage(), e);
        }
    }

    private static char firstChar(String value) {
        return value == null || value.isEmpty() ? '\0' : value.charAt(0);
    }
}
