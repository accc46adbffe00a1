package io.tributary.verifier;

import io.tributary.model.ChangeEvent;
import io.tributary.model.Lsn;
import io.tributary.model.Operation;
import io.tributary.model.SourceInfo;
import io.tributary.shaping.RowShape;
import java.util.List;

/**
 * Turns a row read from PostgreSQL into the change event the producer would make of it: the table's {@link RowShape}
 * (the one the producer's decoders convert rows with) gives the event's {@code after}, its {@code key} (the key
 * columns, in column order) and its {@code types}, with the producer's values (its value converter, type catalog
 * and numeric mode). Immutable.
 */
final class RowConverter {

    private final RowShape rows;
    private final SourceInfo source;

    /**
     * @param database the database name the producer puts in every event's source
     * @param rows     the table's shape ({@link TableShape#rows}, or {@link TableShape#keyRows} to convert keys alone)
     */
    RowConverter(String database, RowShape rows) {
        this.rows = rows;
        this.source = new SourceInfo(database, rows.table().schema(), rows.table().table(), Lsn.INVALID, Lsn.INVALID,
                0, null);
    }

    /**
     * The producer's insert event of the row: {@code after}, {@code key} and {@code types} as it would send them
     * (its source's LSN is meaningless: 0/0).
     *
     * @param values the row's values in PostgreSQL's text output form, null for SQL NULL, in column order
     * @throws VerificationFailedException naming the table, the column and the value the producer could not convert
     *                                     either
     */
    ChangeEvent convert(List<String> values) {
        try {
            return new ChangeEvent(Operation.CREATE, source, rows.key(values), null, rows.row(values), List.of(),
                    rows.types());
        } catch (IllegalArgumentException e) {
            throw new VerificationFailedException("a row of " + rows.table() + " cannot be converted as the producer"
                    + " converts it: " + e.getMessage(), e);
        }
    }
}
