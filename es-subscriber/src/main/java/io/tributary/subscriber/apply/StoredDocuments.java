package io.tributary.subscriber.apply;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch.core.MgetResponse;
import co.elastic.clients.elasticsearch.core.get.GetResult;
import co.elastic.clients.elasticsearch.core.mget.MultiGetError;
import co.elastic.clients.elasticsearch.core.mget.MultiGetOperation;
import co.elastic.clients.elasticsearch.core.mget.MultiGetResponseItem;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.index.DocumentAddress;
import io.tributary.index.mapping.DeleteMarker;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the documents a batch's updates with unchanged columns need, with one multi-get request (with each row's
 * routing value). Answers are matched to addresses by their order, as an alias answers with its index's name. A
 * {@linkplain DeleteMarkers delete marker} is no document: its row is deleted. A missing index holds no document; a
 * closed one fails the read retriably ({@link UnavailableIndex}).
 */
final class StoredDocuments {

    private StoredDocuments() {
    }

    /**
     * @return the documents found; a missing document or index, or a delete marker, is absent
     * @throws ApplyFailedException retriable when Elasticsearch cannot answer now; not retriable when it refuses the
     *                              request (credentials, privileges)
     */
    static Map<DocumentAddress, ObjectNode> read(ElasticsearchClient client, Set<DocumentAddress> addresses)
            throws ApplyFailedException {
        if (addresses.isEmpty()) {
            return Map.of();
        }
        List<DocumentAddress> ordered = new ArrayList<>(addresses);
        List<MultiGetOperation> gets = ordered.stream().map(a -> MultiGetOperation.of(o -> o.index(a.index())
                .id(a.id()).routing(a.routing().isEmpty() ? null : a.routing()))).toList();
        MgetResponse<ObjectNode> response;
        try {
            response = client.mget(m -> m.docs(gets), ObjectNode.class);
        } catch (IOException e) {
            throw Failures.requestFailed("reading " + addresses.size() + " stored documents", e);
        } catch (ElasticsearchException e) {
            throw Failures.requestFailed("reading " + addresses.size() + " stored documents", e);
        }
        Map<DocumentAddress, ObjectNode> found = new HashMap<>();
        List<MultiGetResponseItem<ObjectNode>> items = response.docs();
        for (int i = 0; i < items.size(); i++) {
            MultiGetResponseItem<ObjectNode> item = items.get(i);
            if (item.isResult()) {
                GetResult<ObjectNode> result = item.result();
                if (result.found() && result.source() != null && !DeleteMarker.isMarker(result.source())) {
                    found.put(ordered.get(i), result.source());
                }
            } else if (item.isFailure()) {
                MultiGetError failure = item.failure();
                String type = failure.error().type();
                if ("index_not_found_exception".equals(type)) {
                    continue;
                }
                String what = "cannot read the stored document " + ordered.get(i) + ": " + type + " "
                        + failure.error().reason();
                var closed = UnavailableIndex.of(ordered.get(i).index(), type);
                throw closed.isPresent() ? new ApplyFailedException(what + "; " + closed.get().advice(), closed.get(),
                        null) : new ApplyFailedException(what, true, null);
            }
        }
        return found;
    }
}
