package io.tributary.shaping;

import java.util.Objects;

/**
 * One row of PostgreSQL's {@code pg_type} catalog, as much of it as value conversion needs. Built-in types come from
 * {@link BuiltinTypes}; every other type (enums, domains, extension types such as hstore, arrays of them) from the
 * database, loaded by {@code shaping.source.TypeCatalogLoader}.
 *
 * @param oid         the type's OID, as pgoutput names it in a Relation message
 * @param name        {@code typname}, e.g. {@code int4}, {@code _int4} (its array), {@code hstore}
 * @param namespace   the type's schema, e.g. {@code pg_catalog}
 * @param kind        {@code typtype}: 'b' base, 'c' composite, 'd' domain, 'e' enum, 'p' pseudo, 'r' range,
 *                    'm' multirange
 * @param category    {@code typcategory}, e.g. 'A' array, 'N' numeric, 'S' string, 'U' user-defined
 * @param elementOid  for an array type, the type of its elements; 0 for every other type (also for the few base
 *                    types with {@code typelem} set that are not arrays: {@code name}, {@code point},
 *                    {@code int2vector}, …)
 * @param baseTypeOid for a domain, the type it constrains (itself possibly a domain); 0 for every other type
 * @param delimiter   {@code typdelim}: what separates elements in the text form of an array of this type
 *                    (',' for all built-in types but {@code box}, which uses ';')
 */
public record PgType(int oid, String name, String namespace, char kind, char category, int elementOid,
                     int baseTypeOid, char delimiter) {

    public PgType {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(namespace, "namespace");
    }

    /** True for an array type: its values are array literals of {@link #elementOid()} values. */
    public boolean isArray() {
        return elementOid != 0;
    }

    /** True for a domain: its values are values of {@link #baseTypeOid()}. */
    public boolean isDomain() {
        return kind == 'd';
    }
}
