package io.tributary.index;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import io.tributary.model.ChangeEventJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.apache.http.HttpHost;
import org.apache.http.auth.AuthScope;
import org.apache.http.auth.UsernamePasswordCredentials;
import org.apache.http.impl.client.BasicCredentialsProvider;
import org.apache.http.impl.nio.client.HttpAsyncClientBuilder;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.client.RestClientBuilder;

/**
 * Builds every Elasticsearch client of the subscriber and the verifier, from one {@link ElasticsearchConnection}:
 * one low-level REST client over all configured nodes, its authentication and TLS trust, and a JSON mapper that
 * keeps numbers exact (a copy of the change events' mapper). For OpenSearch the HTTP client also gets
 * {@link OpenSearchCompatibility}.
 */
public final class ElasticsearchClientFactory {

    private ElasticsearchClientFactory() {
    }

    public static ElasticsearchClient create(ElasticsearchConnection connection) {
        return create(connection, SearchEngine.ELASTICSEARCH);
    }

    /**
     * The engine of the cluster {@code connection} reaches: {@code configured} (checked against the cluster's answer
     * to {@code GET /}), or the detected one when empty ({@code auto}); see {@link SearchEngine#resolve}.
     */
    public static SearchEngine engine(ElasticsearchConnection connection, Optional<SearchEngine> configured) {
        try (RestClient probe = builder(connection, SearchEngine.ELASTICSEARCH).build()) {
            return SearchEngine.resolve(configured, probe, connection.urls().toString());
        } catch (IOException e) {
            throw new UncheckedIOException("could not close the client that asked " + connection.urls()
                    + " for its engine", e);
        }
    }

    /** A client of a cluster running {@code engine}. */
    public static ElasticsearchClient create(ElasticsearchConnection connection, SearchEngine engine) {
        RestClientTransport transport = new RestClientTransport(builder(connection, engine).build(),
                new JacksonJsonpMapper(ChangeEventJson.mapper().copy()));
        return new ElasticsearchClient(transport);
    }

    private static RestClientBuilder builder(ElasticsearchConnection connection, SearchEngine engine) {
        HttpHost[] hosts = connection.urls().stream()
                .map(uri -> new HttpHost(uri.getHost(), uri.getPort() < 0 ? 9200 : uri.getPort(), uri.getScheme()))
                .toArray(HttpHost[]::new);
        SSLContext tls = connection.urls().stream().anyMatch(uri -> "https".equals(uri.getScheme()))
                ? connection.tls().sslContext() : null;
        BasicCredentialsProvider credentials = null;
        if (connection.auth() instanceof ElasticsearchAuth.Basic basic) {
            credentials = new BasicCredentialsProvider();
            credentials.setCredentials(AuthScope.ANY,
                    new UsernamePasswordCredentials(basic.username(), basic.password().reveal()));
        }
        BasicCredentialsProvider basicCredentials = credentials;
        return RestClient.builder(hosts)
                .setDefaultHeaders(connection.auth().headers())
                .setRequestConfigCallback(config -> config.setConnectTimeout(5_000).setSocketTimeout(60_000))
                .setHttpClientConfigCallback(http -> {
                    HttpAsyncClientBuilder configured = basicCredentials == null ? http
                            : http.setDefaultCredentialsProvider(basicCredentials);
                    if (tls != null) {
                        configured = configured.setSSLContext(tls);
                    }
                    return engine == SearchEngine.OPENSEARCH ? OpenSearchCompatibility.install(configured)
                            : configured;
                });
    }
}
