package io.tributary.verifier;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.index.mapping.DeleteMarker;

/**
 * A document as Elasticsearch holds it.
 *
 * @param version its {@code _version}: for documents the subscriber wrote, the LSN of the last change applied
 * @param source  its {@code _source}, numbers read exactly
 */
record StoredDocument(String id, long version, ObjectNode source) {

    /**
     * Whether this is the marker the subscriber indexes for a deleted row (its source has the field
     * {@value DeleteMarker#DELETED_FIELD}): no document of a row, but its version is the delete's, which a repair
     * of the row must exceed.
     */
    boolean deleteMarker() {
        return DeleteMarker.isMarker(source);
    }
}
