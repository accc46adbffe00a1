package io.tributary.subscriber.apply;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import io.tributary.model.ChangeEventJson;
import javax.net.ssl.SSLContext;
import org.apache.http.HttpHost;
import org.apache.http.auth.AuthScope;
import org.apache.http.auth.UsernamePasswordCredentials;
import org.apache.http.impl.client.BasicCredentialsProvider;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.client.RestClientBuilder;

/**
 * Builds every Elasticsearch client of the subscriber and the verifier, from one {@link ElasticsearchConnection}:
 * one low-level REST client over all configured nodes, its authentication and TLS trust, and a JSON mapper that
 * keeps numbers exact (a copy of the change events' mapper).
 */
public final class ElasticsearchClientFactory {

    private ElasticsearchClientFactory() {
    }

    public static ElasticsearchClient create(ElasticsearchConnection connection) {
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
        RestClientBuilder builder = RestClient.builder(hosts)
                .setDefaultHeaders(connection.auth().headers())
                .setRequestConfigCallback(config -> config.setConnectTimeout(5_000).setSocketTimeout(60_000))
                .setHttpClientConfigCallback(http -> {
                    if (basicCredentials != null) {
                        http.setDefaultCredentialsProvider(basicCredentials);
                    }
                    return tls == null ? http : http.setSSLContext(tls);
                });
        RestClientTransport transport = new RestClientTransport(builder.build(),
                new JacksonJsonpMapper(ChangeEventJson.mapper().copy()));
        return new ElasticsearchClient(transport);
    }
}
