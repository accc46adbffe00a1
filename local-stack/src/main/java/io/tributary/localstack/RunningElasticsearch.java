package io.tributary.localstack;

import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node search engine started by {@link LocalStack}: Elasticsearch 8 unless {@link SearchEngineDistribution}
 * chooses another (Elasticsearch 9, OpenSearch 2); plain HTTP on 127.0.0.1, security off, disk watermarks
 * off. {@link #stop()} / {@link #start()} keep the port and the data.
 *
 * <p>Thread-safe: lifecycle calls are serialised; {@link #url()} never changes.
 */
public final class RunningElasticsearch {

    private static final Logger LOG = LoggerFactory.getLogger(RunningElasticsearch.class);

    private final ElasticsearchServer process;
    private boolean running;

    private RunningElasticsearch(ElasticsearchServer process) {
        this.process = process;
    }

    /** Configures a new node on free ports and starts it. */
    static RunningElasticsearch launch(StackSettings settings) {
        return launch(ElasticsearchProcess.configure(settings, SearchEngineDistribution.selected(), FreePorts.next(),
                FreePorts.next()));
    }

    /** Starts {@code node}, a new node of either {@link StackBackend}. */
    static RunningElasticsearch launch(ElasticsearchServer node) {
        long started = System.nanoTime();
        RunningElasticsearch elasticsearch = new RunningElasticsearch(node);
        elasticsearch.start();
        LOG.info("{} ready on {} in {} ms (log: {})", elasticsearch.distribution(), elasticsearch.url(),
                (System.nanoTime() - started) / 1_000_000, elasticsearch.logFile());
        return elasticsearch;
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String url() {
        return process.url();
    }

    /** Which engine this is. */
    public SearchEngineDistribution distribution() {
        return process.distribution();
    }

    /** Stops the node. Does nothing if it is stopped. */
    public synchronized void stop() {
        if (running) {
            process.stop();
            running = false;
            LOG.info("{} on {} stopped", distribution(), url());
        }
    }

    /** Starts the node again on the same port and data; returns once the cluster is yellow. */
    public synchronized void start() {
        if (!running) {
            long started = System.nanoTime();
            process.start();
            running = true;
            LOG.info("{} on {} started in {} ms", distribution(), url(), (System.nanoTime() - started) / 1_000_000);
        }
    }

    /** The node's main log. */
    public Path logFile() {
        return process.logFile();
    }

    @Override
    public String toString() {
        return process.distribution() + " at " + url();
    }
}
