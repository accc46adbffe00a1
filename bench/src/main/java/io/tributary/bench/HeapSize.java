package io.tributary.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;

/** How much disk the benchmark tables take. Stateless. */
final class HeapSize {

    private HeapSize() {
    }

    /** The tables' size on disk (heap, without indexes and TOAST), in bytes, summed. */
    static long ofTables(Connection connection, Collection<String> tables) throws SQLException {
        long bytes = 0;
        try (Statement statement = connection.createStatement()) {
            for (String table : tables) {
                try (ResultSet result = statement.executeQuery("SELECT pg_relation_size('" + table + "')")) {
                    result.next();
                    bytes += result.getLong(1);
                }
            }
        }
        return bytes;
    }
}
