package io.tributary.subscriber.apply;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import io.tributary.model.ChangeEventJson;
import java.net.URI;
import java.util.List;
import org.apache.http.HttpHost;
import org.apache.http.auth.AuthScope;
import org.apache.http.auth.UsernamePasswordCredentials;
import org.apache.http.impl.client.BasicCredentialsProvider;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.client.RestClientBuilder;

/**
 * Builds the Elasticsearch client: one low-level REST client over all configured nodes, optional basic
 * authentication, and a JSON mapper that keeps numbers exact (a copy of the change events' mapper).
 */
public final class ElasticsearchClientFactory {

    private ElasticsearchClientFactory() {
    }

    /** @param username empty for a cluster without security */
    public static ElasticsearchClient create(List<URI> urls, String username, String password) {
        HttpHost[] hosts = urls.stream()
                .map(uri -> new HttpHost(uri.getHost(), uri.getPort() < 0 ? 9200 : uri.getPort(), uri.getScheme()))
                .toArray(HttpHost[]::new);
        RestClientBuilder builder = RestClient.builder(hosts)
                .setRequestConfigCallback(config -> config.setConnectTimeout(5_000).setSocketTimeout(60_000));
        if (!username.isEmpty()) {
            BasicCredentialsProvider credentials = new BasicCredentialsProvider();
            credentials.setCredentials(AuthScope.ANY, new UsernamePasswordCredentials(username, password));
            builder.setHttpClientConfigCallback(http -> http.setDefaultCredentialsProvider(credentials));
        }
        RestClientTransport transport = new RestClientTransport(builder.build(),
                new JacksonJsonpMapper(ChangeEventJson.mapper().copy()));
        return new ElasticsearchClient(transport);
    }
}
