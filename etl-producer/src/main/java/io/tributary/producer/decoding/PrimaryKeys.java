package io.tributary.producer.decoding;

import io.tributary.model.TableId;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The primary keys of the database's tables, which key the events of a table under REPLICA IDENTITY FULL: pgoutput
 * then flags every column as a key column, and keying by them would give the same row another document id than
 * before the identity changed, and a new one at every update.
 *
 * <p>Loaded with the catalog at the start of each stream session ({@code replication.KeyColumns}), never queried for
 * a table it knows: a table without a primary key is known too, with an empty key. A table created after the load
 * (a new partition) is looked up once, through the {@code lookup} given at construction, when its first Relation
 * message comes by, and remembered for the session; the lookup is where the query lives (this package holds no
 * JDBC). If {@code lookup} throws, its exception propagates into the stream.
 *
 * <p>Thread-safe: lookups are serialised, which costs nothing on the single replication thread.
 */
public final class PrimaryKeys {

    private static final Logger LOG = LoggerFactory.getLogger(PrimaryKeys.class);

    private final Map<TableId, Set<String>> keys;
    private final Function<TableId, Set<String>> lookup;

    private PrimaryKeys(Map<TableId, Set<String>> keys, Function<TableId, Set<String>> lookup) {
        this.keys = new HashMap<>(keys);
        this.lookup = lookup;
    }

    /** No catalog: every Relation keeps the key flags it came with (under FULL: every column). */
    public static PrimaryKeys none() {
        return new PrimaryKeys(Map.of(), table -> Set.of());
    }

    /**
     * @param loaded the primary key's column names of every table at load time (an empty set: no primary key)
     * @param lookup the primary key of one table that was not there when the catalog was loaded
     */
    public static PrimaryKeys fromCatalog(Map<TableId, Set<String>> loaded, Function<TableId, Set<String>> lookup) {
        return new PrimaryKeys(loaded, lookup);
    }

    /** The primary key's column names; empty when the table has none. */
    synchronized Set<String> of(TableId table) {
        Set<String> key = keys.get(table);
        if (key == null) {
            key = Set.copyOf(lookup.apply(table));
            keys.put(table, key);
            LOG.info("table {} was not in the primary key catalog loaded at session start; looked it up once: {}",
                    table, key.isEmpty() ? "no primary key" : "primary key " + key);
        }
        return key;
    }
}
