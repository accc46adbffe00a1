package io.tributary.producer.decoding;

import java.util.Objects;
import java.util.Set;

/**
 * A table test_decoding streams, as the catalog described it at startup.
 *
 * @param relation         its shape as pgoutput would send it: the table's OID as relation id, its replica identity,
 *                         its columns with the key flags of the identity, generated columns left out
 * @param generatedColumns the names of its generated columns, which test_decoding prints and pgoutput (before
 *                         PostgreSQL 18) does not send, so they are left out of rows too
 */
public record StreamedTable(ReplicationMessage.Relation relation, Set<String> generatedColumns) {

    public StreamedTable {
        Objects.requireNonNull(relation, "relation");
        generatedColumns = Set.copyOf(generatedColumns);
    }
}
