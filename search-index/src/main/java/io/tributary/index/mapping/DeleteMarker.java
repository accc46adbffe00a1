package io.tributary.index.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The field whose presence marks a stored document as the record of a deleted row (docs/design.md, "Deletes"). */
public final class DeleteMarker {

    /** A date: when the subscriber applied the delete; its presence alone makes the document a delete marker. */
    public static final String DELETED_FIELD = "_tributary_deleted";

    private DeleteMarker() {
    }

    /** True when {@code source} (a document's {@code _source}) is a delete marker, not a row. */
    public static boolean isMarker(JsonNode source) {
        return source != null && source.has(DELETED_FIELD);
    }

    /** The query of every document but the markers: the filter of the alias readers search, and the verifier's scan. */
    public static ObjectNode rowsOnly() {
        ObjectNode filter = JsonNodeFactory.instance.objectNode();
        filter.putObject("bool").putObject("must_not").putObject("exists").put("field", DELETED_FIELD);
        return filter;
    }
}
