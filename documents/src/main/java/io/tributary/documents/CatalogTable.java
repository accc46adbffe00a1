package io.tributary.documents;

import io.tributary.model.TableId;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A table as the catalog describes it: its columns in order, its key ({@link io.tributary.shaping.KeyRule}, the
 * columns every document {@code _id} is made of) and its unique keys (which tell whether a join finds one row or
 * many).
 *
 * @param key        the key columns, in column order; empty when the table has none
 * @param uniqueKeys the column sets of the primary key and the unique indices without expressions or predicates
 */
public record CatalogTable(TableId table, List<Column> columns, List<String> key, List<Set<String>> uniqueKeys) {

    /**
     * One column.
     *
     * @param typeOid     its type's OID, as value conversion needs it
     * @param typeName    its type's name ({@code int4}, {@code _text}, an enum's name), as mappings need it
     * @param baseTypeOid the type a domain is based on; {@code typeOid} when it is no domain
     */
    public record Column(String name, int typeOid, String typeName, int baseTypeOid) {
    }

    public CatalogTable {
        columns = List.copyOf(columns);
        key = List.copyOf(key);
        uniqueKeys = List.copyOf(uniqueKeys);
    }

    public Optional<Column> column(String name) {
        return columns.stream().filter(column -> column.name().equals(name)).findFirst();
    }

    /** The position of column {@code name} in {@link #columns}; -1 when there is none. */
    public int position(String name) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** True when the rows are unique by {@code columns}: they include a unique key. */
    public boolean isUniqueBy(Set<String> columns) {
        return uniqueKeys.stream().anyMatch(columns::containsAll);
    }
}
