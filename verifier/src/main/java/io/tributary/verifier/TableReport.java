package io.tributary.verifier;

import io.tributary.model.TableId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the verification of one table, or of one joined document type, found.
 *
 * @param table          the PostgreSQL table; of a document type, its root table
 * @param document       the joined document type ({@code tributary.documents.<name>}) the report is of; empty for a
 *                       table
 * @param index          the index or alias its documents are read from
 * @param skipped        why the table was not verified; empty when it was
 * @param rows           rows read from PostgreSQL (a document type's: root rows)
 * @param documents      documents in Elasticsearch ({@code _count} after a refresh, before the comparison)
 * @param missing        rows without a document
 * @param extra          documents without a row
 * @param different      documents that differ from their row
 * @param samples        the first drift of each kind, at most the report limit per kind, in the order found
 * @param notes          what the reader should know about how far the check went (documents not traced to rows, …)
 * @param repairsSent    repairs made (0 without --repair): for a table, change events sent to Kafka; for a document
 *                       type, documents written to Elasticsearch
 */
record TableReport(TableId table, Optional<String> document, String index, Optional<String> skipped, long rows,
                   long documents, long missing, long extra, long different, List<Drift> samples, List<String> notes,
                   long repairsSent) {

    TableReport {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(document, "document");
        Objects.requireNonNull(index, "index");
        samples = List.copyOf(samples);
        notes = List.copyOf(notes);
    }

    static TableReport skipped(TableId table, String index, String reason) {
        return new TableReport(table, Optional.empty(), index, Optional.of(reason), 0, 0, 0, 0, 0, List.of(),
                List.of(), 0);
    }

    static TableReport skippedDocument(String document, TableId root, String reason) {
        return new TableReport(root, Optional.of(document), document, Optional.of(reason), 0, 0, 0, 0, 0, List.of(),
                List.of(), 0);
    }

    boolean isDocument() {
        return document.isPresent();
    }

    boolean drift() {
        return missing + extra + different > 0;
    }

    /** The samples of one kind of drift. */
    <T extends Drift> List<T> samples(Class<T> kind) {
        return samples.stream().filter(kind::isInstance).map(kind::cast).toList();
    }
}
