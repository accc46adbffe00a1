package io.tributary.localstack;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The search engines {@link LocalStack#elasticsearch()} can start, each from its test distribution on Maven Central
 * (no bundled JDK, only the modules a node needs to start). One of them runs per JVM, chosen by the system property
 * {@value #PROPERTY} or else the environment variable {@value #ENVIRONMENT}; Elasticsearch 8 when neither is set.
 *
 * <p>What the distributions leave out and tests may notice: neither Elasticsearch zip answers {@code GET /} (405) nor
 * has painless or reindex; the OpenSearch zip has no security plugin, no {@code _shard_doc} sort, refuses
 * Elasticsearch's {@code application/vnd.elasticsearch+json} media type (406) and sends no
 * {@code X-Elastic-Product} header.
 */
public enum SearchEngineDistribution {

    /** {@code org.elasticsearch.distribution.integ-test-zip:elasticsearch} 8.x, the default; runs on Java 17. */
    ELASTICSEARCH_8("elasticsearch-8", "elasticsearch", "Elasticsearch", 17),
    /** The same artifact in 9.x; needs a Java 21 or newer (see {@link JavaHomes}). */
    ELASTICSEARCH_9("elasticsearch-9", "elasticsearch9", "Elasticsearch", 21),
    /** {@code org.opensearch.distribution.integ-test-zip:opensearch} 2.x; runs on Java 17. */
    OPENSEARCH_2("opensearch-2", "opensearch", "OpenSearch", 17);

    /** The system property that chooses the distribution, e.g. {@code -Dtributary.stack.search-engine=opensearch-2}. */
    public static final String PROPERTY = "tributary.stack.search-engine";
    /** The environment variable read when the system property is not set. */
    public static final String ENVIRONMENT = "TRIBUTARY_STACK_SEARCH_ENGINE";
    /** The distribution started when neither is set. */
    public static final SearchEngineDistribution DEFAULT = ELASTICSEARCH_8;

    private final String id;
    private final String artifactKey;
    private final String product;
    private final int javaFeature;

    SearchEngineDistribution(String id, String artifactKey, String product, int javaFeature) {
        this.id = id;
        this.artifactKey = artifactKey;
        this.product = product;
        this.javaFeature = javaFeature;
    }

    /** The name the switch takes, e.g. {@code elasticsearch-9}. */
    public String id() {
        return id;
    }

    /** {@code Elasticsearch} or {@code OpenSearch}. */
    public String product() {
        return product;
    }

    /** The oldest Java feature release the distribution runs on. */
    int javaFeature() {
        return javaFeature;
    }

    /** The prefix of this distribution's keys in {@value StackArtifacts#PROPERTIES}: {@code <prefix>.zip}, ... */
    String artifactKey() {
        return artifactKey;
    }

    /** Whether the distribution is OpenSearch, whose files and settings are named differently. */
    boolean isOpenSearch() {
        return this == OPENSEARCH_2;
    }

    /** The start script and configuration file stem: {@code elasticsearch} or {@code opensearch}. */
    String executable() {
        return isOpenSearch() ? "opensearch" : "elasticsearch";
    }

    /**
     * The node settings this distribution needs besides the common ones: no security on Elasticsearch (the OpenSearch
     * zip has no security plugin, nor the setting); on Elasticsearch 9 a higher indexing pressure limit, since it
     * counts a document's primary operation at about four times its JSON size against 10% of the 512 MB heap, and
     * refuses (429) a row of 21 MB that Elasticsearch 8 takes.
     */
    List<String> settings() {
        return switch (this) {
            case ELASTICSEARCH_8 -> List.of("xpack.security.enabled: false");
            case ELASTICSEARCH_9 -> List.of("xpack.security.enabled: false", "indexing_pressure.memory.limit: 20%");
            case OPENSEARCH_2 -> List.of();
        };
    }

    /** The environment variables that give the start script its JDK and configuration directory. */
    Map<String, String> environment(String javaHome, String configDirectory) {
        return isOpenSearch()
                ? Map.of("OPENSEARCH_JAVA_HOME", javaHome, "OPENSEARCH_PATH_CONF", configDirectory)
                : Map.of("ES_JAVA_HOME", javaHome, "ES_PATH_CONF", configDirectory);
    }

    /** The distribution this JVM is asked for (see the class comment). */
    public static SearchEngineDistribution selected() {
        return selected(Optional.ofNullable(System.getProperty(PROPERTY))
                .or(() -> Optional.ofNullable(System.getenv(ENVIRONMENT))));
    }

    static SearchEngineDistribution selected(Optional<String> chosen) {
        return chosen.map(String::trim).filter(text -> !text.isEmpty()).map(SearchEngineDistribution::of)
                .orElse(DEFAULT);
    }

    /** The distribution named {@code id}; throws naming the choices when there is none. */
    static SearchEngineDistribution of(String id) {
        String wanted = id.toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(each -> each.id.equals(wanted)).findFirst()
                .orElseThrow(() -> new LocalStackException("unknown search engine '" + id + "' in " + PROPERTY
                        + " / " + ENVIRONMENT + ": expected one of " + Arrays.stream(values())
                        .map(SearchEngineDistribution::id).collect(Collectors.joining(", "))));
    }

    @Override
    public String toString() {
        return id;
    }
}
