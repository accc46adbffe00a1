package io.tributary.producer.decoding;

import io.tributary.model.Lsn;
import java.time.Instant;
import java.util.List;

/**
 * The plugin-neutral model of what logical decoding streams: both decoders produce it ({@link PgOutputDecoder} from
 * pgoutput's bytes, {@link TestDecodingParser} from test_decoding's text), and everything downstream sees only
 * these records. They follow pgoutput's messages (version 1); each names the letter it comes from. Nothing here
 * touches JDBC or Kafka.
 */
public sealed interface ReplicationMessage {

    /** 'B': a transaction begins; its changes follow, then a {@link Commit}. */
    record Begin(Lsn finalLsn, Instant commitTimestamp, long xid) implements ReplicationMessage {
    }

    /**
     * 'C': the transaction ends.
     *
     * @param commitLsn the LSN of the commit record
     * @param endLsn    the LSN just past it: once confirmed as flushed, PostgreSQL never sends this transaction again
     */
    record Commit(int flags, Lsn commitLsn, Lsn endLsn, Instant commitTimestamp) implements ReplicationMessage {
    }

    /** 'O': the changes that follow were replicated into this server from another origin. */
    record Origin(Lsn originLsn, String name) implements ReplicationMessage {
    }

    /**
     * 'R': a table's shape, sent before its first change in a session and again after every change to it (DDL).
     *
     * @param namespace       the schema (pgoutput sends "" for pg_catalog)
     * @param replicaIdentity 'd' default (primary key), 'n' nothing, 'f' full, 'i' index
     */
    record Relation(int relationId, String namespace, String name, char replicaIdentity, List<Column> columns)
            implements ReplicationMessage {

        public Relation {
            columns = List.copyOf(columns);
        }
    }

    /** A column of a {@link Relation}; {@code key} is set for the columns of the replica identity. */
    record Column(boolean key, String name, int typeOid, int typeModifier) {
    }

    /** 'Y': a non-built-in type used by a following relation. */
    record Type(int typeOid, String namespace, String name) implements ReplicationMessage {
    }

    /** 'I': a row was inserted. */
    record Insert(int relationId, TupleData newTuple) implements ReplicationMessage {
    }

    /**
     * 'U': a row was updated.
     *
     * @param oldTuple with kind 'K' the old key (when the key changed), with 'O' the whole old row (REPLICA IDENTITY
     *                 FULL), or null
     */
    record Update(int relationId, char oldKind, TupleData oldTuple, TupleData newTuple) implements ReplicationMessage {
    }

    /** 'D': a row was deleted; {@code oldKind} is 'K' (key only) or 'O' (whole row). */
    record Delete(int relationId, char oldKind, TupleData oldTuple) implements ReplicationMessage {
    }

    /** 'T': tables were truncated. {@code options}: 1 = CASCADE, 2 = RESTART IDENTITY. */
    record Truncate(int options, List<Integer> relationIds) implements ReplicationMessage {

        public Truncate {
            relationIds = List.copyOf(relationIds);
        }
    }

    /** 'M': a message written with {@code pg_logical_emit_message}. */
    record LogicalMessage(boolean transactional, Lsn lsn, String prefix, byte[] content) implements ReplicationMessage {
    }
}
