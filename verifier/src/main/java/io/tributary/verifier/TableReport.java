package io.tributary.verifier;

import io.tributary.model.TableId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the verification of one table found.
 *
 * @param table          the PostgreSQL table
 * @param index          the index or alias its documents are read from
 * @param skipped        why the table was not verified; empty when it was
 * @param rows           rows read from PostgreSQL
 * @param documents      documents in Elasticsearch ({@code _count} after a refresh, before the comparison)
 * @param missing        rows without a document
 * @param extra          documents without a row
 * @param different      documents that differ from their row
 * @param samples        the first drift of each kind, at most the report limit per kind, in the order found
 * @param notes          what the reader should know about how far the check went (documents not traced to rows, …)
 * @param repairsSent    repair events sent to Kafka for this table (0 without --repair)
 */
record TableReport(TableId table, String index, Optional<String> skipped, long rows, long documents, long missing,
                   long extra, long different, List<Drift> samples, List<String> notes, long repairsSent) {

    TableReport {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(index, "index");
        samples = List.copyOf(samples);
        notes = List.copyOf(notes);
    }

    static TableReport skipped(TableId table, String index, String reason) {
        return new TableReport(table, index, Optional.of(reason), 0, 0, 0, 0, 0, List.of(), List.of(), 0);
    }

    boolean drift() {
        return missing + extra + different > 0;
    }

    /** The samples of one kind of drift. */
    <T extends Drift> List<T> samples(Class<T> kind) {
        return samples.stream().filter(kind::isInstance).map(kind::cast).toList();
    }
}
