package io.tributary.subscriber.apply;

/**
 * An event that can never be applied, so it belongs in the dead-letter topic: Elasticsearch rejected its document
 * for good (a mapping conflict, an id that is too long), or its table has no valid index name.
 *
 * @param position which event of the batch handed to {@link BulkApplier#apply}, counted from 0
 * @param index    the index it was meant for; empty when the table has no valid index name
 * @param id       the document id; empty for a truncate or when the index is unknown
 * @param kind     a short, stable name of the reason, fit for a metric tag ({@code document_parsing_exception},
 *                 {@code unmappable-table})
 * @param reason   what Elasticsearch (or the mapping) said, for people
 */
public record Rejection(int position, String index, String id, String kind, String reason) {
}
