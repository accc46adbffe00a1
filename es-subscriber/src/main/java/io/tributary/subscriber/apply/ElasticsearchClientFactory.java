package io.tributary.subscriber.apply;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import io.tributary.model.ChangeEventJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.apache.http.HttpHost;
import org.apache.http.auth.AuthScope;
import org.apache.http.auth.UsernamePasswordCredentials;
import org.apache.http.impl.client.BasicCredentialsProvider;
import org.apache.http.impl.nio.client.HttpAsyncClientBuilder;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.client.RestClientBuilder;

/**
 * Builds the Elasticsearch client: one low-level REST client over all configured nodes, optional basic
 * authentication, and a JSON mapper that keeps numbers exact (a copy of the change events' mapper). For OpenSearch
 * the HTTP client also gets {@link OpenSearchCompatibility}.
 */
public final class ElasticsearchClientFactory {

    private ElasticsearchClientFactory() {
    }

    /** A client of an Elasticsearch cluster. @param username empty for a cluster without security */
    public static ElasticsearchClient create(List<URI> urls, String username, String password) {
        return create(urls, username, password, SearchEngine.ELASTICSEARCH);
    }

    /**
     * The engine of the cluster at {@code urls}: {@code configured} (checked against the cluster's answer to
     * {@code GET /}), or the detected one when empty ({@code auto}); see {@link SearchEngine#resolve}.
     */
    public static SearchEngine engine(List<URI> urls, String username, String password,
                                      Optional<SearchEngine> configured) {
        try (RestClient probe = builder(urls, username, password, SearchEngine.ELASTICSEARCH).build()) {
            return SearchEngine.resolve(configured, probe, urls.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("could not close the client that asked " + urls + " for its engine", e);
        }
    }

    /** A client of a cluster running {@code engine}. @param username empty for a cluster without security */
    public static ElasticsearchClient create(List<URI> urls, String username, String password, SearchEngine engine) {
        RestClientTransport transport = new RestClientTransport(builder(urls, username, password, engine).build(),
                new JacksonJsonpMapper(ChangeEventJson.mapper().copy()));
        return new ElasticsearchClient(transport);
    }

    private static RestClientBuilder builder(List<URI> urls, String username, String password, SearchEngine engine) {
        HttpHost[] hosts = urls.stream()
                .map(uri -> new HttpHost(uri.getHost(), uri.getPort() < 0 ? 9200 : uri.getPort(), uri.getScheme()))
                .toArray(HttpHost[]::new);
        RestClientBuilder builder = RestClient.builder(hosts)
                .setRequestConfigCallback(config -> config.setConnectTimeout(5_000).setSocketTimeout(60_000));
        BasicCredentialsProvider credentials = new BasicCredentialsProvider();
        if (!username.isEmpty()) {
            credentials.setCredentials(AuthScope.ANY, new UsernamePasswordCredentials(username, password));
        }
        return builder.setHttpClientConfigCallback(http -> {
            HttpAsyncClientBuilder configured = username.isEmpty() ? http
                    : http.setDefaultCredentialsProvider(credentials);
            return engine == SearchEngine.OPENSEARCH ? OpenSearchCompatibility.install(configured) : configured;
        });
    }
}
