package io.tributary.verifier;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.index.DocumentAddress;
import io.tributary.index.ElasticsearchClientFactory;
import io.tributary.index.ElasticsearchConnection;
import io.tributary.index.IndexScanner;
import io.tributary.index.ScanPage.ScannedDocument;
import io.tributary.index.ScanPage;
import io.tributary.index.ScanProtocol;
import io.tributary.index.SearchEngine;
import io.tributary.index.mapping.DeleteMarker;
import io.tributary.model.ChangeEventJson;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.http.util.EntityUtils;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;

/**
 * The few Elasticsearch calls verification makes, over the low-level REST client of the subscriber's own client
 * setup (its URLs, credentials and timeouts): whether an index exists, refresh, {@code _count}, {@code _mget} of a
 * chunk of documents, a scan of every document's id (through a point in time, or a scroll on OpenSearch), and a
 * versioned write of one document (a joined document's repair). Every answer is checked; a failure throws a {@link VerificationFailedException}
 * saying what was asked of which cluster. Not thread-safe.
 */
final class ElasticsearchDocuments implements AutoCloseable {

    private static final String KEEP_ALIVE = "2m";

    private final ElasticsearchClient client;
    private final RestClient rest;
    private final ScanProtocol scans;
    private final String cluster;

    /** @param engine the configured engine; empty to detect it ({@code auto}) */
    ElasticsearchDocuments(ElasticsearchConnection connection, Optional<SearchEngine> engine) {
        SearchEngine resolved = ElasticsearchClientFactory.engine(connection, engine);
        this.client = ElasticsearchClientFactory.create(connection, resolved);
        this.rest = ((RestClientTransport) client._transport()).restClient();
        this.scans = resolved.scans();
        this.cluster = connection.urls().toString();
    }

    boolean exists(String target) {
        Request request = new Request("HEAD", "/" + encode(target));
        try {
            return rest.performRequest(request).getStatusLine().getStatusCode() == 200;
        } catch (ResponseException e) {
            if (e.getResponse().getStatusLine().getStatusCode() == 404) {
                return false;
            }
            throw refused("checking that index " + target + " exists", e);
        } catch (IOException e) {
            throw unreachable("checking that index " + target + " exists", e);
        }
    }

    /** Makes every write so far visible to {@link #count} and {@link #scan}. */
    void refresh(String target) {
        perform(new Request("POST", "/" + encode(target) + "/_refresh"), "refreshing index " + target);
    }

    long count(String target) {
        return perform(new Request("GET", "/" + encode(target) + "/_count"), "counting the documents of " + target)
                .path("count").asLong();
    }

    /**
     * The documents at {@code addresses} that exist, by id, with their source and version (real-time: the newest
     * write, refreshed or not).
     */
    Map<String, StoredDocument> multiGet(String target, List<DocumentAddress> addresses) {
        Map<String, StoredDocument> found = new HashMap<>();
        if (addresses.isEmpty()) {
            return found;
        }
        ObjectNode body = ChangeEventJson.mapper().createObjectNode();
        ArrayNode docs = body.putArray("docs");
        for (DocumentAddress address : addresses) {
            ObjectNode doc = docs.addObject().put("_id", address.id());
            if (!address.routing().isEmpty()) {
                doc.put("routing", address.routing());
            }
        }
        Request request = new Request("POST", "/" + encode(target) + "/_mget");
        request.setJsonEntity(body.toString());
        String what = "reading " + addresses.size() + " documents of " + target + " (_mget)";
        for (JsonNode doc : perform(request, what).path("docs")) {
            if (doc.has("error")) {
                throw new VerificationFailedException("Elasticsearch at " + cluster + " failed " + what
                        + ": document " + doc.path("_id").asText() + ": " + doc.get("error"));
            }
            if (doc.path("found").asBoolean(false)) {
                found.put(doc.get("_id").asText(), new StoredDocument(doc.get("_id").asText(),
                        doc.path("_version").asLong(), (ObjectNode) doc.get("_source")));
            }
        }
        return found;
    }

    /**
     * Writes {@code source} as the document {@code id} of {@code target} at the external version {@code version},
     * unless Elasticsearch holds that document at a higher version ({@code version_type=external_gte}: an equal
     * version is written again).
     *
     * @return true when written; false when a higher version was stored (HTTP 409)
     */
    boolean writeUnlessNewer(String target, String id, ObjectNode source, long version) {
        Request request = new Request("PUT", "/" + encode(target) + "/_doc/" + encode(id).replace("+", "%20"));
        request.addParameter("version", Long.toString(version));
        request.addParameter("version_type", "external_gte");
        String body;
        try {
            body = ChangeEventJson.mapper().writeValueAsString(source);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write document " + id + " as JSON", e);
        }
        request.setJsonEntity(body);
        String what = "writing document " + id + " of " + target + " at version " + version;
        try {
            rest.performRequest(request);
            return true;
        } catch (ResponseException e) {
            if (e.getResponse().getStatusLine().getStatusCode() == 409) {
                return false;
            }
            throw refused(what, e);
        } catch (IOException e) {
            throw unreachable(what, e);
        }
    }

    /**
     * A scan of every document's id, version and routing in {@code target}, {@code pageSize} at a time, by the
     * subscriber's own scan ({@link IndexScanner}: a page whose search timed out or lost shards fails the
     * verification); delete markers (a deleted row's document) are left out by the alias's own query, should
     * {@code target} show them.
     */
    IdScan scan(String target, int pageSize) {
        IndexScanner scanner = new IndexScanner(rest, scans, pageSize, KEEP_ALIVE);
        return new IdScan(scanner.open(target, DeleteMarker.rowsOnly(), "scanning the documents of " + target,
                new IndexScanner.Requests<>() {
                    @Override
                    public Optional<JsonNode> perform(Request request, String what) {
                        return Optional.of(ElasticsearchDocuments.this.perform(request, what));
                    }

                    @Override
                    public VerificationFailedException failed(String message, boolean retriable, Exception cause) {
                        return new VerificationFailedException("Elasticsearch at " + cluster + ": " + message
                                + (retriable ? "; verify again" : ""), cause);
                    }
                }));
    }

    /** The pages of one scan. Close it to release the point in time or scroll. */
    static final class IdScan implements AutoCloseable {

        private final Optional<IndexScanner.Pages<VerificationFailedException>> pages;

        private IdScan(Optional<IndexScanner.Pages<VerificationFailedException>> pages) {
            this.pages = pages;
        }

        /** The next documents; empty once all were returned. */
        List<ScannedDocument> nextPage() {
            if (pages.isEmpty()) {
                return List.of();
            }
            return pages.get().next().map(ScanPage::documents).orElse(List.of());
        }

        @Override
        public void close() {
            pages.ifPresent(IndexScanner.Pages::close);
        }
    }

    private JsonNode perform(Request request, String what) {
        try {
            Response response = rest.performRequest(request);
            try (InputStream body = response.getEntity().getContent()) {
                return ChangeEventJson.mapper().readTree(body);
            }
        } catch (ResponseException e) {
            throw refused(what, e);
        } catch (IOException e) {
            throw unreachable(what, e);
        }
    }

    private VerificationFailedException refused(String what, ResponseException e) {
        String body;
        try {
            body = e.getResponse().getEntity() == null ? "" : EntityUtils.toString(e.getResponse().getEntity());
        } catch (IOException unreadable) {
            body = "";
        }
        return new VerificationFailedException("Elasticsearch at " + cluster + " refused " + what + ": HTTP "
                + e.getResponse().getStatusLine().getStatusCode() + " "
                + (body.length() > 500 ? body.substring(0, 500) + "…" : body), e);
    }

    private VerificationFailedException unreachable(String what, IOException e) {
        return new VerificationFailedException("Elasticsearch at " + cluster + " did not answer while " + what
                + ": " + e, e);
    }

    private static String encode(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        try {
            client._transport().close();
        } catch (IOException e) {
            // closing: nothing left to do with it
        }
    }
}
