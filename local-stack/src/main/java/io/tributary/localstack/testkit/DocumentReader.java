package io.tributary.localstack.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.localstack.Poll;
import io.tributary.localstack.RunningElasticsearch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * Reads documents back from a plain-HTTP Elasticsearch for tests: a real-time GET by id, counts and every document
 * of an index, each after a refresh so the last writes are searchable. Answers are parsed with the mapper given, so
 * a test compares them with values it parsed the same way. Errors other than a missing index or document throw
 * {@link IllegalStateException} naming the request, the status and Elasticsearch's answer. Thread-safe.
 */
public final class DocumentReader {

    /** How many hits one scroll page carries. */
    private static final int PAGE = 5000;
    /** How often a search of a just-created index is retried while its shard starts (503). */
    private static final int SHARD_START_ATTEMPTS = 50;

    private final String url;
    private final ObjectMapper mapper;
    private final HttpClient http = HttpClient.newHttpClient();

    /** @param url {@code http://host:port} of the node */
    public DocumentReader(String url, ObjectMapper mapper) {
        this.url = url;
        this.mapper = mapper;
    }

    public DocumentReader(RunningElasticsearch elasticsearch, ObjectMapper mapper) {
        this(elasticsearch.url(), mapper);
    }

    /**
     * Real-time {@code GET /index/_doc/id}: the answer with {@code _version} and {@code _source}. Empty when there is
     * no such document or index (404), or while a just-created index's shard starts (503): nothing to read yet.
     */
    public Optional<JsonNode> get(String index, String id) {
        HttpResponse<String> response = send("GET", "/" + index + "/_doc/" + pathSegment(id), "");
        int status = response.statusCode();
        return status == 404 || status == 503 ? Optional.empty() : Optional.of(json(response));
    }

    /**
     * Waits up to {@code timeout} for document {@code id} of {@code index} whose {@code _source} {@code ready}
     * accepts (real-time GETs every 200 ms) and returns that {@code _source}.
     *
     * @throws io.tributary.localstack.LocalStackException on timeout, with the last answer
     */
    public JsonNode awaitSource(String index, String id, Predicate<JsonNode> ready, Duration timeout) {
        AtomicReference<Optional<JsonNode>> last = new AtomicReference<>(Optional.empty());
        Poll.until("document " + id + " of " + index, timeout, Duration.ofMillis(200), () -> {
            last.set(get(index, id).filter(document -> document.path("found").asBoolean()));
            return last.get().map(document -> ready.test(document.path("_source"))).orElse(false);
        }, () -> "; last read: " + last.get().map(JsonNode::toString).orElse("no document"));
        return last.get().orElseThrow().get("_source");
    }

    /** Makes what was written to {@code index} (a name, alias or pattern) searchable; a missing index is fine. */
    public void refresh(String index) {
        send("POST", "/" + index + "/_refresh?ignore_unavailable=true", "");
    }

    /** How many documents {@code index} holds after a refresh; 0 when it does not exist or its shard is starting. */
    public long count(String index) {
        return count(index, "{\"match_all\":{}}");
    }

    /** How many documents of {@code index} {@code query} (a query object) finds, as {@link #count(String)}. */
    public long count(String index, String query) {
        refresh(index);
        HttpResponse<String> response = send("POST", "/" + index + "/_count", "{\"query\":" + query + "}");
        int status = response.statusCode();
        return status == 404 || status == 503 ? 0 : json(response).path("count").asLong();
    }

    /**
     * Every document of {@code index} after a refresh, by {@code _id}: each hit as Elasticsearch gives it
     * ({@code _id}, {@code _version}, {@code _source}, …), read page by page so an index may hold any number. Empty
     * when the index does not exist; a just-created index is waited for until its shard has started.
     */
    public Map<String, JsonNode> search(String index) {
        refresh(index);
        Map<String, JsonNode> hits = new TreeMap<>();
        String firstPage = "/" + index + "/_search?scroll=1m&version=true&size=" + PAGE;
        String everyDocument = "{\"query\":{\"match_all\":{}},\"sort\":[\"_doc\"]}";
        HttpResponse<String> response = send("POST", firstPage, everyDocument);
        for (int attempt = 0; response.statusCode() == 503 && attempt < SHARD_START_ATTEMPTS; attempt++) {
            pause();
            response = send("POST", firstPage, everyDocument);
        }
        if (response.statusCode() == 404) {
            return hits;
        }
        JsonNode page = json(response);
        while (page.path("hits").path("hits").size() > 0) {
            page.path("hits").path("hits").forEach(hit -> hits.put(hit.get("_id").asText(), hit));
            page = json(send("POST", "/_search/scroll", "{\"scroll\":\"1m\",\"scroll_id\":\""
                    + page.path("_scroll_id").asText() + "\"}"));
        }
        if (page.has("_scroll_id")) {
            send("DELETE", "/_search/scroll", "{\"scroll_id\":\"" + page.path("_scroll_id").asText() + "\"}");
        }
        return hits;
    }

    /** The {@code _source} of every document of {@code index} by {@code _id}, as {@link #search}. */
    public Map<String, JsonNode> sources(String index) {
        Map<String, JsonNode> sources = new TreeMap<>();
        search(index).forEach((id, hit) -> sources.put(id, hit.get("_source")));
        return sources;
    }

    /** Deletes document {@code id} of {@code index} behind the pipeline's back; a missing one is fine. */
    public void delete(String index, String id) {
        send("DELETE", "/" + index + "/_doc/" + pathSegment(id), "");
    }

    /** Deletes {@code indices} (names or patterns, comma-separated, hidden ones included); missing ones are fine. */
    public void deleteIndices(String indices) {
        send("DELETE", "/" + indices + "?ignore_unavailable=true&expand_wildcards=all", "");
    }

    private HttpResponse<String> send(String method, String path, String body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + path))
                .method(method, body.isEmpty() ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            if (status >= 300 && status != 404 && status != 503) {
                throw new IllegalStateException(method + " " + url + path + " answered " + status + ": "
                        + response.body());
            }
            return response;
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + url + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + method + " " + url + path, e);
        }
    }

    private JsonNode json(HttpResponse<String> response) {
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(response.request().method() + " " + response.uri() + " answered "
                    + response.statusCode() + ": " + response.body());
        }
        try {
            return mapper.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON from " + response.uri() + ": " + response.body(), e);
        }
    }

    private static String pathSegment(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a shard to start", e);
        }
    }
}
