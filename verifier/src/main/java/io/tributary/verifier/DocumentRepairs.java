package io.tributary.verifier;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.documents.Snapshot;
import io.tributary.index.mapping.DeleteMarker;
import java.time.Clock;

/**
 * Repairs joined documents by writing them to Elasticsearch directly, each at the version of the snapshot it was read
 * at: a document built at snapshot S, or a delete marker for a root found absent at S, at {@link Snapshot#version()
 * S.version()} ({@code version_type=external_gte}).
 *
 * <p><b>Why no change event through Kafka, unlike a table's repair:</b> the subscriber writes a joined document the
 * same way, rebuilt from PostgreSQL in a REPEATABLE READ transaction and written at that snapshot's version (a root
 * gone by then as a delete marker at it). A repair is one more such rebuild, and Elasticsearch orders it among the
 * subscriber's by version alone: a rebuild that saw more has a higher version and wins, whether it lands before the
 * repair (the repair is then a 409, and {@link #write} says so) or after it; one that saw less loses; a replay
 * changes nothing. A root inserted after S is built at a later snapshot, above the marker. A table's repair must
 * go through the stream because its version is an LSN only the stream assigns (docs/design.md, "verify --repair:
 * versions"); here the version comes with the read. Equal versions saw the same transactions, hence the same join:
 * {@code external_gte} writes such a document again, which repairs one damaged at its own version and otherwise
 * changes nothing.
 *
 * <p>Not thread-safe ({@link ElasticsearchDocuments} is not).
 */
final class DocumentRepairs {

    private final ElasticsearchDocuments documents;
    private final Clock clock;

    /** @param clock when a delete marker says its root was found deleted */
    DocumentRepairs(ElasticsearchDocuments documents, Clock clock) {
        this.documents = documents;
        this.clock = clock;
    }

    /**
     * Writes {@code document}, built at {@code snapshot}, as {@code id} of {@code index}.
     *
     * @return false when Elasticsearch held a newer one (built from a snapshot that saw more)
     */
    boolean write(String index, String id, ObjectNode document, Snapshot snapshot) {
        return documents.writeUnlessNewer(index, id, document, snapshot.version());
    }

    /**
     * Writes the delete marker of {@code id}, whose root {@code snapshot} showed absent.
     *
     * @return false when Elasticsearch held a newer document (its root inserted again since)
     */
    boolean markDeleted(String index, String id, Snapshot snapshot) {
        ObjectNode marker = JsonNodeFactory.instance.objectNode()
                .put(DeleteMarker.DELETED_FIELD, clock.instant().toString());
        return documents.writeUnlessNewer(index, id, marker, snapshot.version());
    }
}
