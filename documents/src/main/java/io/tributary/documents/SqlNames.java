package io.tributary.documents;

import io.tributary.model.TableId;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;

/** SQL identifiers quoted, so any table or column name reaches PostgreSQL exactly. Stateless. */
public final class SqlNames {

    private SqlNames() {
    }

    public static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    public static String table(TableId table) {
        return quote(table.schema()) + "." + quote(table.table());
    }

    /** {@code "a", "b"} */
    public static String list(List<String> names) {
        return names.stream().map(SqlNames::quote).collect(Collectors.joining(", "));
    }

    /** {@code ?, ?} */
    public static String placeholders(int count) {
        return String.join(", ", Collections.nCopies(count, "?"));
    }
}
