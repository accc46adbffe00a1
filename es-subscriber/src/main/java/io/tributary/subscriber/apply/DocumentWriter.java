package io.tributary.subscriber.apply;

import io.tributary.documents.DocumentBuilder;
import io.tributary.documents.Snapshot;
import io.tributary.subscriber.decode.RowJson;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.elasticsearch.client.RestClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a page of joined documents: builds them from PostgreSQL in the caller's transaction and indexes each at the
 * transaction's {@linkplain Snapshot#version() snapshot version} ({@code version_type=external}); a requested root
 * that does not exist gets a {@linkplain DeleteMarkers delete marker} at that version instead.
 *
 * <p><b>Invariant:</b> a document is only ever written at the version of the snapshot it was read in, so
 * Elasticsearch keeps, of all the rebuilds of one document (from any partition, any subscriber, the stream or a full
 * build), the one that saw the most; an older rebuild finishing later is answered 409 and counted as stale. A
 * re-inserted root is read by a later snapshot than its delete, so it replaces its marker. A document Elasticsearch
 * refuses for good (a value its mapping cannot take) is logged with the reason and counted, and the rest of the
 * page is written: there is no single record to dead-letter, and its next rebuild or {@code verify --repair} writes it
 * again. Stateless apart from its collaborators; thread-safe.
 */
final class DocumentWriter {

    private static final Logger LOG = LoggerFactory.getLogger(DocumentWriter.class);

    private final RestClient restClient;
    private final ApplyMetrics applyMetrics;
    private final DocumentMetrics metrics;
    private final Clock clock;

    DocumentWriter(RestClient restClient, ApplyMetrics applyMetrics, DocumentMetrics metrics, Clock clock) {
        this.restClient = restClient;
        this.applyMetrics = applyMetrics;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * @param keys root keys as text (duplicates allowed)
     * @return how many documents were written or marked
     */
    long write(Connection connection, DocumentBuilder builder, List<List<String>> keys, Snapshot snapshot)
            throws SQLException, ApplyFailedException {
        if (keys.isEmpty()) {
            return 0;
        }
        String document = builder.tree().name();
        Map<String, RowJson> byId = new LinkedHashMap<>();
        for (DocumentBuilder.Built built : builder.build(connection, keys)) {
            byId.put(built.id(), RowJson.of(built.document()));
        }
        long version = snapshot.version();
        List<BulkAction> actions = new ArrayList<>(keys.size());
        byId.forEach((id, json) -> actions.add(BulkAction.index(new DocumentAddress(document, id, ""), version, json)));
        RowJson marker = null;
        long markers = 0;
        for (List<String> key : new java.util.LinkedHashSet<>(keys)) {
            String id = builder.idOf(key);
            if (!byId.containsKey(id)) {
                marker = marker != null ? marker : DeleteMarkers.document(clock.instant());
                byId.put(id, marker);
                actions.add(BulkAction.markDeleted(new DocumentAddress(document, id, ""), version, marker));
                markers++;
            }
        }
        ActionBulk.Outcome outcome = ActionBulk.send(restClient, applyMetrics, actions, "document " + document
                + " at snapshot " + snapshot);
        applyMetrics.versionConflicts(document, outcome.stale());
        metrics.written(document, actions.size() - markers, markers);
        if (outcome.rejectedKind() != null) {
            long refused = actions.size() - outcome.applied() - outcome.stale();
            metrics.refused(document, refused);
            LOG.error("document {}: Elasticsearch refused {} of {} documents for good, first: {}; they are written"
                    + " again by their next change or by verify --repair once the cause is fixed", document, refused,
                    actions.size(), outcome.rejectedReason());
        }
        return actions.size();
    }
}
