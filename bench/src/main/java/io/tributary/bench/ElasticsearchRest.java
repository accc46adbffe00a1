package io.tributary.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.model.ChangeEventJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The few Elasticsearch calls the benchmarks make themselves, over plain HTTP: delete, read and create the
 * benchmark's indices, change their settings, read their statistics (reads, writes) and mapping's {@code _meta},
 * count (matching) documents, get documents by id, search ids without a refresh, and send one {@code _bulk} request. Every answer is checked; a
 * failure throws with Elasticsearch's words. Thread-safe.
 */
final class ElasticsearchRest {

    private static final JsonFactory JSON = new JsonFactory();
    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(2);

    private final String url;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** @param url {@code http://host:port} */
    ElasticsearchRest(String url) {
        this.url = url;
    }

    String url() {
        return url;
    }

    /**
     * Deletes {@code indices} if they exist, and the index {@code <name>-000001} behind each name the subscriber made
     * an alias (an alias name alone is skipped by {@code ignore_unavailable}; wildcards need a setting this node
     * leaves off, so names are listed).
     */
    void deleteIndices(List<String> indices) throws IOException, InterruptedException {
        List<String> names = new java.util.ArrayList<>(indices);
        indices.forEach(index -> names.add(index + "-000001"));
        send(HttpRequest.newBuilder(uri("/" + String.join(",", names) + "?ignore_unavailable=true")).DELETE(),
                "delete indices " + names);
    }

    /**
     * How {@code indices} are laid out: for each, a body for {@link #createIndex} holding its mappings and its shard
     * and replica counts. A name may be an index or an alias over one (as the subscriber's
     * {@code <name>-000001} indices are searched by {@code <name>}).
     *
     * @throws IOException when a name is neither an index nor an alias of exactly one index
     */
    Map<String, ObjectNode> layouts(List<String> indices) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = send(HttpRequest.newBuilder(uri("/" + String.join(",", indices))).GET(),
                "read indices " + indices);
        JsonNode answer = ChangeEventJson.mapper().readTree(response.body());
        Map<String, ObjectNode> layouts = new LinkedHashMap<>();
        for (String index : indices) {
            JsonNode described = describedIndex(answer, index);
            ObjectNode body = ChangeEventJson.mapper().createObjectNode();
            body.set("mappings", described.path("mappings"));
            JsonNode settings = described.path("settings").path("index");
            ObjectNode created = body.putObject("settings").putObject("index");
            created.set("number_of_shards", settings.path("number_of_shards"));
            created.set("number_of_replicas", settings.path("number_of_replicas"));
            layouts.put(index, body);
        }
        return layouts;
    }

    /** The entry of {@code answer} (of {@code GET /<names>}) for the index {@code name} or the one its alias names. */
    private static JsonNode describedIndex(JsonNode answer, String name) throws IOException {
        if (answer.has(name)) {
            return answer.get(name);
        }
        List<JsonNode> aliased = new ArrayList<>();
        List<String> names = new ArrayList<>();
        answer.fields().forEachRemaining(entry -> {
            names.add(entry.getKey());
            if (entry.getValue().path("aliases").has(name)) {
                aliased.add(entry.getValue());
            }
        });
        if (aliased.size() != 1) {
            throw new IOException("Elasticsearch has " + aliased.size() + " indices named " + name
                    + " or aliased by it, expected one; it answered with " + names);
        }
        return aliased.get(0);
    }

    /** Creates {@code index} with {@code body} ({@code mappings}, {@code settings}). */
    void createIndex(String index, ObjectNode body) throws IOException, InterruptedException {
        send(HttpRequest.newBuilder(uri("/" + index)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(ChangeEventJson.mapper().writeValueAsBytes(body))),
                "create index " + index);
    }

    /** Changes dynamic settings of {@code index}, e.g. {@code {"index": {"refresh_interval": "-1"}}}. */
    void putSettings(String index, ObjectNode settings) throws IOException, InterruptedException {
        send(HttpRequest.newBuilder(uri("/" + index + "/_settings")).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(ChangeEventJson.mapper().writeValueAsBytes(settings))),
                "change the settings of index " + index + " to " + settings);
    }

    /** The get and search statistics of {@code index} ({@code _stats/get,search}). */
    IndexWork work(String index) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = send(HttpRequest.newBuilder(uri("/" + index + "/_stats/get,search")).GET(),
                "read the statistics of index " + index);
        return IndexWork.of(ChangeEventJson.mapper().readTree(response.body()), index);
    }

    /** The node's indexing, refresh, merge and get totals over every index. */
    IndexingWork indexingWork() throws IOException, InterruptedException {
        HttpResponse<byte[]> response = send(HttpRequest.newBuilder(uri("/_stats/indexing,refresh,merge,get")).GET(),
                "read the indexing statistics");
        return IndexingWork.of(ChangeEventJson.mapper().readTree(response.body()));
    }

    /**
     * Puts the index template {@code name}: indices created from now on whose names match {@code pattern} get
     * {@code settings} (e.g. {@code {"index.refresh_interval": "30s"}}).
     */
    void putIndexTemplate(String name, String pattern, ObjectNode settings) throws IOException, InterruptedException {
        ObjectNode body = ChangeEventJson.mapper().createObjectNode();
        body.putArray("index_patterns").add(pattern);
        body.put("priority", 500);
        body.putObject("template").set("settings", settings);
        send(HttpRequest.newBuilder(uri("/_index_template/" + name)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(ChangeEventJson.mapper().writeValueAsBytes(body))),
                "put index template " + name);
    }

    /** The text of {@code _nodes/hot_threads}: what the node's busiest threads are doing now. */
    String hotThreads() throws IOException, InterruptedException {
        return new String(send(HttpRequest.newBuilder(uri("/_nodes/hot_threads?threads=5&interval=500ms")).GET(),
                "read the hot threads").body());
    }

    /** Merges running now, over every index of the node. */
    long mergesRunning() throws IOException, InterruptedException {
        HttpResponse<byte[]> response = send(HttpRequest.newBuilder(uri("/_stats/merge")).GET(),
                "read the merge statistics");
        return ChangeEventJson.mapper().readTree(response.body()).path("_all").path("total").path("merges")
                .path("current").asLong();
    }

    /** Makes every write to {@code indices} searchable, then counts their documents. */
    long count(List<String> indices) throws IOException, InterruptedException {
        return count(indices, null);
    }

    /**
     * Makes every write to {@code indices} searchable, then counts their documents that match {@code query} (the
     * JSON of a query, e.g. {@code {"term": {"status": "new"}}}; null for all).
     */
    long count(List<String> indices, String query) throws IOException, InterruptedException {
        String names = String.join(",", indices);
        send(HttpRequest.newBuilder(uri("/" + names + "/_refresh")).POST(HttpRequest.BodyPublishers.noBody()),
                "refresh " + names);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri("/" + names + "/_count"));
        if (query != null) {
            request.header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"query\":" + query + "}"));
        }
        HttpResponse<byte[]> response = send(request, "count documents of " + names);
        JsonNode count = ChangeEventJson.mapper().readTree(response.body()).get("count");
        if (count == null || !count.canConvertToLong()) {
            throw new IOException("Elasticsearch answered _count without a count: " + new String(response.body()));
        }
        return count.longValue();
    }

    /** The {@code _meta} of {@code index}'s mapping (of the first index behind an alias); missing when it has none. */
    JsonNode mappingMeta(String index) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = send(HttpRequest.newBuilder(uri("/" + index + "/_mapping")).GET(),
                "read the mapping of " + index);
        for (JsonNode described : ChangeEventJson.mapper().readTree(response.body())) {
            return described.path("mappings").path("_meta");
        }
        return ChangeEventJson.mapper().missingNode();
    }

    /**
     * Real-time gets of {@code ids} from {@code index}: the {@code docs} of its {@code _mget} answer, each with
     * {@code found} and the {@code _source} (only the fields {@code sourceIncludes} names, comma-separated; "" for
     * all).
     */
    JsonNode get(String index, List<String> ids, String sourceIncludes) throws IOException, InterruptedException {
        String body = ChangeEventJson.mapper().createObjectNode().set("ids",
                ChangeEventJson.mapper().valueToTree(ids)).toString();
        HttpResponse<byte[]> response = send(HttpRequest.newBuilder(uri("/" + index + "/_mget"
                        + (sourceIncludes.isEmpty() ? "" : "?_source_includes=" + sourceIncludes)))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)),
                "get " + ids.size() + " documents of " + index);
        return ChangeEventJson.mapper().readTree(response.body()).path("docs");
    }

    /**
     * The ids among {@code ids} that a search of {@code index} finds now, without refreshing it first: the documents
     * made searchable by the index's last refresh.
     */
    List<String> searchIds(String index, List<String> ids) throws IOException, InterruptedException {
        ObjectNode body = ChangeEventJson.mapper().createObjectNode().put("size", ids.size()).put("_source", false);
        body.putObject("query").putObject("ids").set("values", ChangeEventJson.mapper().valueToTree(ids));
        HttpResponse<byte[]> response = send(HttpRequest.newBuilder(uri("/" + index + "/_search"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body.toString())),
                "search " + ids.size() + " ids of " + index);
        List<String> found = new ArrayList<>();
        for (JsonNode hit : ChangeEventJson.mapper().readTree(response.body()).path("hits").path("hits")) {
            found.add(hit.path("_id").asText());
        }
        return found;
    }

    /**
     * Sends one {@code _bulk} request of NDJSON lines.
     *
     * @throws IOException when the request fails or any item was not applied (the first item error is named)
     */
    void bulk(byte[] lines) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = send(HttpRequest.newBuilder(uri("/_bulk"))
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofByteArray(lines)), "_bulk");
        if (hasErrors(response.body())) {
            throw new IOException("Elasticsearch did not apply every item of a _bulk request, first error: "
                    + firstError(response.body()));
        }
    }

    /** Reads only as far as the top-level {@code errors} field, which Elasticsearch writes before the items. */
    private static boolean hasErrors(byte[] body) throws IOException {
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a _bulk answer: " + new String(body, 0, Math.min(body.length, 200)));
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (field.equals("errors")) {
                    return value == JsonToken.VALUE_TRUE;
                }
                parser.skipChildren();
            }
        }
        throw new IOException("a _bulk answer without 'errors': " + new String(body, 0, Math.min(body.length, 200)));
    }

    private static String firstError(byte[] body) throws IOException {
        for (JsonNode item : ChangeEventJson.mapper().readTree(body).path("items")) {
            JsonNode result = item.elements().next();
            if (result.has("error")) {
                return result.toString();
            }
        }
        return "(none found)";
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder request, String what)
            throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(request.timeout(REQUEST_TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            String body = new String(response.body());
            throw new IOException("Elasticsearch at " + url + " refused to " + what + ": HTTP " + response.statusCode()
                    + " " + body.substring(0, Math.min(body.length(), 500)));
        }
        return response;
    }

    private URI uri(String path) {
        return URI.create(url + path);
    }
}
