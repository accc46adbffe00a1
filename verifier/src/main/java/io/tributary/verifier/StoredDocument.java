package io.tributary.verifier;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A document as Elasticsearch holds it.
 *
 * @param version its {@code _version}: for documents the subscriber wrote, the LSN of the last change applied
 * @param source  its {@code _source}, numbers read exactly
 */
record StoredDocument(String id, long version, ObjectNode source) {
}
