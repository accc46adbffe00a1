package io.tributary.producer.replication;

import io.tributary.model.TableId;

/** Quoting of SQL identifiers, so any table or slot name is passed to PostgreSQL exactly. */
public final class Identifiers {

    private Identifiers() {
    }

    public static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    public static String qualified(TableId table) {
        return quote(table.schema()) + "." + quote(table.table());
    }
}
