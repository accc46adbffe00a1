package io.tributary.shaping;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Type OIDs by the names test_decoding prints for them: {@code format_type(oid, NULL)}, e.g. {@code integer},
 * {@code character varying}, {@code timestamp with time zone}, {@code integer[]}, {@code "char"}, {@code mood} or
 * {@code public.mood} (qualified when its schema is not on the search path), {@code "My Schema"."Odd Type"[]}.
 * Loaded once at startup by {@code replication.TestDecodingCatalogLoader}; this package holds no JDBC. A type created
 * later is unknown until the next start. Immutable and thread-safe.
 */
public final class TypeNames {

    private final Map<String, Integer> oidsByName;

    private TypeNames(Map<String, Integer> oidsByName) {
        this.oidsByName = Map.copyOf(oidsByName);
    }

    /** @param oidsByName each type's OID under every name it may be printed as (unqualified and qualified) */
    public static TypeNames of(Map<String, Integer> oidsByName) {
        return new TypeNames(new HashMap<>(oidsByName));
    }

    /** The OID of the type printed as {@code name}, if the catalog had it. */
    public OptionalInt oidOf(String name) {
        Integer oid = oidsByName.get(name);
        return oid == null ? OptionalInt.empty() : OptionalInt.of(oid);
    }

    public int size() {
        return oidsByName.size();
    }
}
