package io.tributary.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.config.InvalidConfigException;
import io.tributary.config.SettingsReader;
import io.tributary.model.ChangeEventJson;
import java.io.IOException;
import java.util.Locale;
import java.util.Optional;
import org.apache.http.util.EntityUtils;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;

/**
 * The search engine the subscriber and the verifier write to and scan: Elasticsearch (8, or 9 in its REST
 * compatibility mode for 8 clients) or OpenSearch 2. Chosen by {@value #KEY} ({@code auto}, {@code elasticsearch},
 * {@code opensearch}) and checked against what the cluster answers to {@code GET /} at startup.
 *
 * <p>How they differ for Tributary, and so what depends on the engine: how an index is scanned
 * ({@link ScanProtocol}), and whether elasticsearch-java's requests need {@link OpenSearchCompatibility}.
 */
public enum SearchEngine {

    ELASTICSEARCH("Elasticsearch", ScanProtocol.POINT_IN_TIME),
    OPENSEARCH("OpenSearch", ScanProtocol.SCROLL);

    /** The configuration key that chooses the engine. */
    public static final String KEY = "tributary.elasticsearch.engine";
    private static final String PRODUCT_HEADER = "X-Elastic-Product";

    private final String product;
    private final ScanProtocol scans;

    SearchEngine(String product, ScanProtocol scans) {
        this.product = product;
        this.scans = scans;
    }

    /**
     * {@code mappings} derived for Elasticsearch ({@code FieldMappings}, {@code DocumentMappings}) as this engine takes
     * them. OpenSearch has {@code flat_object} where Elasticsearch has {@code flattened} (hstore: each key searchable
     * as {@code field.key}), and no runtime fields: a json column stays kept whole in {@code _source}, not searchable.
     * A mapping file is the user's and is never changed.
     */
    public ObjectNode derivedMappings(ObjectNode mappings) {
        if (this == ELASTICSEARCH) {
            return mappings;
        }
        ObjectNode adapted = mappings.deepCopy();
        adapted.remove("runtime");
        renameTypes(adapted, "flattened", "flat_object");
        return adapted;
    }

    private static void renameTypes(JsonNode node, String from, String to) {
        if (node instanceof ObjectNode object) {
            if (from.equals(object.path("type").asText(null))) {
                object.put("type", to);
            }
            object.elements().forEachRemaining(child -> renameTypes(child, from, to));
        }
    }

    /** How this engine's indices are scanned. */
    public ScanProtocol scans() {
        return scans;
    }

    /**
     * The value of {@value #KEY}: empty for {@code auto} (detected at startup).
     *
     * @throws IllegalArgumentException saying what is accepted
     */
    public static Optional<SearchEngine> parseSetting(String value) {
        String text = value.trim().toLowerCase(Locale.ROOT);
        return switch (text) {
            case "auto" -> Optional.empty();
            case "elasticsearch" -> Optional.of(ELASTICSEARCH);
            case "opensearch" -> Optional.of(OPENSEARCH);
            default -> throw new IllegalArgumentException("must be auto, elasticsearch or opensearch, got '"
                    + value + "'");
        };
    }

    /**
     * {@value #KEY} of the subscriber's configuration: empty for {@code auto}.
     *
     * @throws InvalidConfigException naming the key, saying what is accepted
     */
    public static Optional<SearchEngine> read(SettingsReader read) {
        try {
            return parseSetting(read.requiredString(KEY));
        } catch (IllegalArgumentException e) {
            throw read.invalid(KEY, e.getMessage());
        }
    }

    /**
     * The engine to use with the cluster behind {@code probe}: the configured one, or the detected one when
     * {@code configured} is empty; Elasticsearch when neither tells (the startup health check then says what is
     * wrong: an unreachable cluster, refused credentials).
     *
     * @throws InvalidConfigException when the cluster is detected to be another engine than the configured one
     */
    public static SearchEngine resolve(Optional<SearchEngine> configured, RestClient probe, String cluster) {
        Optional<SearchEngine> detected = detect(probe);
        if (configured.isPresent() && detected.isPresent() && configured.get() != detected.get()) {
            throw new InvalidConfigException(KEY + " is " + configured.get().setting() + ", but the cluster at "
                    + cluster + " is " + detected.get().product + " (its answer to GET /): set " + KEY + " to "
                    + detected.get().setting() + " or auto, or check tributary.elasticsearch.urls");
        }
        return configured.or(() -> detected).orElse(ELASTICSEARCH);
    }

    /**
     * What {@code GET /} tells: Elasticsearch sends its {@value #PRODUCT_HEADER} header with every answer, even the
     * 405 its test distribution gives to {@code GET /}; OpenSearch names itself in {@code version.distribution}.
     * Empty when the cluster does not answer or the answer tells neither (refused credentials, a proxy).
     */
    static Optional<SearchEngine> detect(RestClient probe) {
        Response response;
        try {
            response = probe.performRequest(new Request("GET", "/"));
        } catch (ResponseException e) {
            response = e.getResponse();
        } catch (IOException e) {
            return Optional.empty();
        }
        String product = response.getHeader(PRODUCT_HEADER);
        String body;
        try {
            body = response.getEntity() == null ? "" : EntityUtils.toString(response.getEntity());
        } catch (IOException e) {
            body = "";
        }
        return of(product, body);
    }

    /** The engine named by a {@value #PRODUCT_HEADER} header value (or null) and a {@code GET /} answer body. */
    static Optional<SearchEngine> of(String productHeader, String rootBody) {
        if ("Elasticsearch".equals(productHeader)) {
            return Optional.of(ELASTICSEARCH);
        }
        try {
            JsonNode root = ChangeEventJson.mapper().readTree(rootBody.isEmpty() ? "{}" : rootBody);
            if ("opensearch".equals(root.path("version").path("distribution").asText())) {
                return Optional.of(OPENSEARCH);
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** The value of {@value #KEY} that names this engine. */
    String setting() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return product;
    }
}
