package io.tributary.shaping;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The types value conversion can look up by OID: the built-in types (their OIDs are the same in every database)
 * and, when loaded, the database's own catalog (enums, domains, extension types and their arrays, whose OIDs differ
 * from database to database).
 *
 * <p>A type created after the catalog was loaded is unknown at first. The first lookup of each unknown OID reloads
 * the catalog once through the {@code reload} function given at construction (which is where the database query
 * lives; this package holds no JDBC); if the OID is still unknown, it stays unknown and is never reloaded for again.
 * If {@code reload} throws, its exception propagates and the OID counts as not yet tried.
 *
 * <p>Thread-safe: lookups are serialised, which costs nothing on the single replication thread.
 */
public final class PgTypes {

    private static final Logger LOG = LoggerFactory.getLogger(PgTypes.class);
    private static final Map<Integer, PgType> BUILT_IN = index(BuiltinTypes.ALL);

    private final Supplier<? extends Collection<PgType>> reload;
    private final Set<Integer> reloadedFor = new HashSet<>();
    private Map<Integer, PgType> catalog;

    private PgTypes(Collection<PgType> catalog, Supplier<? extends Collection<PgType>> reload) {
        this.catalog = index(catalog);
        this.reload = reload;
    }

    /** The built-in types only, without a database: every other OID is unknown (and converted to its text). */
    public static PgTypes builtIn() {
        return new PgTypes(List.of(), List::of);
    }

    /**
     * @param catalog the database's types as loaded at startup
     * @param reload  loads the whole catalog again; called at most once per OID that is not in it
     */
    public static PgTypes fromCatalog(Collection<PgType> catalog, Supplier<? extends Collection<PgType>> reload) {
        return new PgTypes(catalog, reload);
    }

    /** The type with this OID, reloading the catalog once if the OID has never been seen before. */
    public synchronized Optional<PgType> lookup(int oid) {
        PgType type = find(oid);
        if (type == null && !reloadedFor.contains(oid)) {
            catalog = index(reload.get());
            reloadedFor.add(oid);
            type = find(oid);
            LOG.info("type OID {} was not in the type catalog; reloaded it ({} types): {}", oid, catalog.size(),
                    type == null ? "still unknown, its values keep their text form" : "now known as " + type.name());
        }
        return Optional.ofNullable(type);
    }

    private PgType find(int oid) {
        PgType type = BUILT_IN.get(oid);
        return type != null ? type : catalog.get(oid);
    }

    private static Map<Integer, PgType> index(Collection<PgType> types) {
        Map<Integer, PgType> byOid = new HashMap<>(types.size() * 2);
        for (PgType type : types) {
            byOid.put(type.oid(), type);
        }
        return byOid;
    }
}
