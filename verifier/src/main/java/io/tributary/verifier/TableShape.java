package io.tributary.verifier;

import io.tributary.model.TableId;
import io.tributary.producer.decoding.ReplicationMessage.Column;
import io.tributary.producer.decoding.ReplicationMessage.Relation;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A table as pgoutput describes it to the producer: its columns in order (generated columns left out, as pgoutput
 * leaves them out), the replica identity, and the key flag on the columns the producer's events carry as the key —
 * the primary key (also under REPLICA IDENTITY FULL), or the index of REPLICA IDENTITY USING INDEX, or every column
 * of a REPLICA IDENTITY FULL table without a primary key.
 *
 * @param oid             the table's OID, used as the relation id
 * @param replicaIdentity {@code relreplident}: 'd' default (primary key), 'i' index, 'f' full, 'n' nothing
 */
record TableShape(TableId table, int oid, char replicaIdentity, List<Column> columns) {

    TableShape {
        Objects.requireNonNull(table, "table");
        columns = List.copyOf(columns);
    }

    /** The Relation message pgoutput would send for the table. */
    Relation relation() {
        return new Relation(oid, table.schema(), table.table(), replicaIdentity, columns);
    }

    /** The same table reduced to its key columns: enough to compute a row's key and document id. */
    Relation keyRelation() {
        return new Relation(oid, table.schema(), table.table(), replicaIdentity, keyColumns());
    }

    /** The same table reduced to its key columns: what paging through its keys alone reads. */
    TableShape keysOnly() {
        return new TableShape(table, oid, replicaIdentity, keyColumns());
    }

    /** The key columns, in column order (the order of the events' {@code key}). */
    List<Column> keyColumns() {
        return columns.stream().filter(Column::key).toList();
    }

    /** Why the table cannot be verified; empty when it can. */
    Optional<String> unverifiableBecause() {
        if (replicaIdentity == 'f' && columns.stream().allMatch(Column::key)) {
            return Optional.of("REPLICA IDENTITY FULL without a primary key: the pipeline keys its documents by every"
                    + " column, which cannot be paged through in key order; not verified");
        }
        if (keyColumns().isEmpty()) {
            return Optional.of("not verifiable without a key: the table has no primary key (nor REPLICA IDENTITY"
                    + " USING INDEX), so the pipeline cannot key its rows either");
        }
        return Optional.empty();
    }
}
