package io.tributary.index.mapping;

import io.tributary.model.TableId;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each table's {@link TableMapping}: the configured ones ({@code tributary.tables}), else the defaults. Immutable,
 * thread-safe.
 */
public final class TableMappings {

    private final Map<TableId, TableMapping> configured;
    /** The defaults of tables without an entry, made once per table (the tables of one database: bounded). */
    private final Map<TableId, TableMapping> defaults = new ConcurrentHashMap<>();

    /** {@link #sharesIndex} of each table asked about (the tables of one database: bounded). */
    private final Map<TableId, Boolean> shared = new ConcurrentHashMap<>();

    public TableMappings(Map<TableId, TableMapping> configured) {
        this.configured = Map.copyOf(configured);
    }

    /** @throws IllegalArgumentException naming the table when it has no entry and its default index is impossible */
    public TableMapping forTable(TableId table) {
        TableMapping mapping = configured.get(table);
        return mapping != null ? mapping : defaults.computeIfAbsent(table, TableMapping::defaults);
    }

    /**
     * The other tables whose documents may be in an index {@code table} writes to, as far as the configuration tells:
     * each entry naming the same index or alias (an alias's index {@code <alias>-000001} included), and the table
     * without an entry whose default index {@code <schema>.<table>} is one of those names. Documents carry no table
     * of their own (their {@code _id} is the key alone), so such an index cannot be told apart by table.
     *
     * <p>Not seen here: tables whose names differ only in case (a table without an entry defaults to its lower-cased
     * name; whether another case of it exists only the database knows), and aliases added to Elasticsearch by hand.
     *
     * @return by schema, then table; empty when the table's index is its own
     */
    public Set<TableId> sharingIndexWith(TableId table) {
        TableMapping mapping = forTable(table);
        Set<String> names = names(mapping);
        Set<TableId> sharing = new TreeSet<>(Comparator.comparing(TableId::schema)
                .thenComparing(TableId::table));
        configured.forEach((other, otherMapping) -> {
            if (!other.equals(table) && names(otherMapping).stream().anyMatch(names::contains)) {
                sharing.add(other);
            }
        });
        for (String name : Set.of(mapping.target())) {
            for (int dot = name.indexOf('.'); dot > 0 && dot < name.length() - 1; dot = name.indexOf('.', dot + 1)) {
                TableId defaultOwner = new TableId(name.substring(0, dot), name.substring(dot + 1));
                boolean sameNameButCase = defaultOwner.toString().equalsIgnoreCase(table.toString());
                if (!sameNameButCase && !configured.containsKey(defaultOwner)) {
                    sharing.add(defaultOwner);
                }
            }
        }
        return sharing;
    }

    /** True when {@link #sharingIndexWith} names another table: the table's documents then carry a {@link TableTag}. */
    public boolean sharesIndex(TableId table) {
        return shared.computeIfAbsent(table, t -> !sharingIndexWith(t).isEmpty());
    }

    private static Set<String> names(TableMapping mapping) {
        return mapping.alias().map(alias -> Set.of(alias, mapping.index())).orElse(Set.of(mapping.index()));
    }
}
