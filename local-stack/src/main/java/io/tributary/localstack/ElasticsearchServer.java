package io.tributary.localstack;

import java.nio.file.Path;

/**
 * An Elasticsearch node as {@link RunningElasticsearch} drives it, whichever {@link StackBackend} runs it: a local
 * process ({@link ElasticsearchProcess}) or a container. {@link #stop()} and {@link #start()} keep port and data.
 */
interface ElasticsearchServer {

    /** Starts the node; returns once the cluster is at least yellow. */
    void start();

    void stop();

    /** {@code http://127.0.0.1:<port>}. */
    String url();

    Path logFile();

    /** Which engine and major this node runs; a container runs the default one. */
    default SearchEngineDistribution distribution() {
        return SearchEngineDistribution.ELASTICSEARCH_8;
    }
}
