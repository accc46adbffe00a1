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
 * @param commitLsn       the LSN of the transaction's commit record (the same for every change of the transaction);
 *                        {@link Lsn#INVALID} ({@code 0/0}) when unknown: the test_decoding plugin names the commit
 *                        only after the transaction's changes, which are sent before it
 * @param xid             the transaction id
 * @param commitTimestamp when the transaction committed; null when unknown (test_decoding, as for {@code commitLsn})
 */
public record SourceInfo(String database, String schema, String table, Lsn lsn, Lsn commitLsn, long xid,
                         Instant commitTimestamp) {

    public SourceInfo {
        Objects.requireNonNull(database, "source.database");
        Objects.requireNonNull(schema, "source.schema");
        Objects.requireNonNull(table, "source.table");
        Objects.requireNonNull(lsn, "source.lsn");
        Objects.requireNonNull(commitLsn, "source.commitLsn");
    }

    public TableId tableId() {
        return new TableId(schema, table);
    }
}
