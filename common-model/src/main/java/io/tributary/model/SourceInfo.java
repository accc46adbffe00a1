package io.tributary.model;

import java.time.Instant;
import java.util.Objects;

/**
 * Where and when a change happened in PostgreSQL.
 *
 * @param database        the database the change was decoded from
 * @param schema          the table's schema
 * @param table           the table's name
 * @param lsn             the WAL position of this change; it increases with every change of a row, in commit
 *                        order, so it is the version Elasticsearch keeps the newest change by
 * @param commitLsn       the LSN of the transaction's commit record (the same for every change of the transaction)
 * @param xid             the transaction id
 * @param commitTimestamp when the transaction committed
 */
public record SourceInfo(String database, String schema, String table, Lsn lsn, Lsn commitLsn, long xid,
                         Instant commitTimestamp) {

    public SourceInfo {
        Objects.requireNonNull(database, "source.database");
        Objects.requireNonNull(schema, "source.schema");
        Objects.requireNonNull(table, "source.table");
        Objects.requireNonNull(lsn, "source.lsn");
        Objects.requireNonNull(commitLsn, "source.commitLsn");
        Objects.requireNonNull(commitTimestamp, "source.commitTimestamp");
    }

    public TableId tableId() {
        return new TableId(schema, table);
    }
}
