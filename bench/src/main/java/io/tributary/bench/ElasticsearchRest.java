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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The few Elasticsearch calls the benchmarks make themselves, over plain HTTP: delete, read and create the
 * benchmark's indices, change their settings, read their statistics, count their documents, and send one
 * {@code _bulk} request. Every answer is checked; a failure throws with Elasticsearch's words. Thread-safe.
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
     * and replica counts.
     */
    Map<String, ObjectNode> layouts(List<String> indices) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = send(HttpRequest.newBuilder(uri("/" + String.join(",", indices))).GET(),
                "read indices " + indices);
        JsonNode answer = ChangeEventJson.mapper().readTree(response.body());
        Map<String, ObjectNode> layouts = new LinkedHashMap<>();
        for (String index : indices) {
            JsonNode described = answer.path(index);
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

    /** Makes every write to {@code indices} searchable, then counts their documents. */
    long count(List<String> indices) throws IOException, InterruptedException {
        String names = String.join(",", indices);
        send(HttpRequest.newBuilder(uri("/" + names + "/_refresh")).POST(HttpRequest.BodyPublishers.noBody()),
                "refresh " + names);
        HttpResponse<byte[]> response = send(HttpRequest.newBuilder(uri("/" + names + "/_count")).GET(),
                "count documents of " + names);
        JsonNode count = ChangeEventJson.mapper().readTree(response.body()).get("count");
        if (count == null || !count.canConvertToLong()) {
            throw new IOException("Elasticsearch answered _count without a count: " + new String(response.body()));
        }
        return count.longValue();
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
