package io.tributary.subscriber.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.index.mapping.DeleteMarker;
import io.tributary.index.mapping.TableTag;
import io.tributary.subscriber.events.RowJson;
import java.time.Instant;

/**
 * Deleted rows are kept as small marker documents, {@code {"_tributary_deleted": "<when applied>"}}, written at the
 * delete's version, instead of being deleted: Elasticsearch forgets a real delete's version after
 * {@code index.gc_deletes} (60 s by default), after which any older write of the row would
 * bring it back. A marker is a live document, so its version refuses every older write for as long as it is kept
 * ({@link DeleteMarkerPurge} removes it once no older write can arrive). Readers never see markers: the name they
 * search is an alias whose {@link #aliasFilter() filter} leaves them out. Pure.
 */
final class DeleteMarkers {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private DeleteMarkers() {
    }

    /** The marker of a row deleted (its delete applied) at {@code appliedAt}. */
    static RowJson document(Instant appliedAt) {
        return RowJson.of(JSON.objectNode().put(DeleteMarker.DELETED_FIELD, appliedAt.toString()));
    }

    /** The filter of the alias readers search: every document but the markers. */
    static ObjectNode aliasFilter() {
        return DeleteMarker.rowsOnly();
    }

    /**
     * {@code mappings} with Tributary's own fields mapped (a copy; a mapping file's fields kept): the marker field as
     * a date, the {@link TableTag} as a keyword.
     */
    static ObjectNode withOwnFields(ObjectNode mappings) {
        ObjectNode copy = mappings.deepCopy();
        JsonNode properties = copy.get("properties");
        ObjectNode fields = properties instanceof ObjectNode object ? object : copy.putObject("properties");
        fields.setAll((ObjectNode) ownFieldsOnly().get("properties"));
        return copy;
    }

    /** {@code {"properties": {…}}} of Tributary's own fields alone: what an existing index must map. */
    static ObjectNode ownFieldsOnly() {
        ObjectNode mappings = JSON.objectNode();
        ObjectNode properties = mappings.putObject("properties");
        properties.putObject(DeleteMarker.DELETED_FIELD).put("type", "date");
        properties.putObject(TableTag.FIELD).put("type", "keyword");
        return mappings;
    }
}
