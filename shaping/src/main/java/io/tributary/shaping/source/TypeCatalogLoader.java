package io.tributary.shaping.source;

import io.tributary.shaping.PgType;
import io.tributary.shaping.PgTypes;
import io.tributary.shaping.TypeCatalog;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Loads the database's type catalog ({@link TypeCatalog}) through a query connection of the producer's endpoint.
 *
 * <p>The {@link PgTypes} it returns reloads the catalog through a new query connection the first time it meets each
 * unknown OID (a type created after startup). A failed reload throws {@link IllegalStateException} into the stream,
 * which then stops and resumes from the last flushed position on restart.
 */
public final class TypeCatalogLoader {

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
            return TypeCatalog.query(connection);
        }
    }

    private List<PgType> reload() {
        try {
            return load();
        } catch (SQLException e) {
            throw new IllegalStateException("reloading the type catalog (pg_type) from " + endpoint + " failed: "
                    + e.getMessage(), e);
        }
    }
}
