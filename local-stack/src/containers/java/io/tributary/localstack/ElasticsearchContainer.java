package io.tributary.localstack;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.testcontainers.utility.DockerImageName;

/**
 * A single-node Elasticsearch in Elastic's image of the version the local processes run, configured like
 * {@link ElasticsearchProcess}'s node: plain HTTP, security off, disk watermarks off, a 512 MiB heap.
 */
final class ElasticsearchContainer extends ServiceContainer implements ElasticsearchServer {

    static final String IMAGE = "docker.elastic.co/elasticsearch/elasticsearch:8.19.21";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    ElasticsearchContainer(StackSettings settings) {
        this(settings, FreePorts.next());
    }

    private ElasticsearchContainer(StackSettings settings, int port) {
        super("Elasticsearch", new org.testcontainers.elasticsearch.ElasticsearchContainer(DockerImageName.parse(IMAGE))
                        .withEnv("xpack.security.enabled", "false")
                        .withEnv("cluster.routing.allocation.disk.threshold_enabled", "false")
                        .withEnv("ES_JAVA_OPTS", "-Xms512m -Xmx512m"),
                9200, port, settings.newServiceDirectory("elasticsearch-container-" + port, false)
                        .resolve("elasticsearch.log"),
                () -> HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                                + "/_cluster/health?wait_for_status=yellow&timeout=5s"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200);
    }

    @Override
    public String url() {
        return "http://127.0.0.1:" + hostPort();
    }
}
