package io.tributary.pipeline.monitoring;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tributary.localstack.RunningElasticsearch;
import io.tributary.localstack.RunningKafka;
import io.tributary.localstack.RunningPostgres;
import io.tributary.ops.OperationsHttpServer;
import io.tributary.ops.ServiceMetrics;
import io.tributary.pipeline.PipelineHarness;
import io.tributary.pipeline.TestSettings;
import io.tributary.producer.EtlProducer;
import io.tributary.producer.ProducerSettings;
import io.tributary.shaping.source.PostgresEndpoint;
import io.tributary.subscriber.EsSubscriber;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * etl-producer and es-subscriber running against the local stack as {@code ServiceLauncher} runs them: each with the
 * registry of {@link ServiceMetrics} (JVM metrics and the {@code service} tag included) served on {@code /metrics} by
 * its own {@link OperationsHttpServer}, so a test scrapes exactly what Prometheus would. The producer streams every
 * table of the schema {@code shop} of a fresh database to a fresh topic of {@value #PARTITIONS} partitions; the
 * subscriber applies that topic to Elasticsearch. {@link #close()} stops everything this started.
 */
final class ScrapedPipeline implements AutoCloseable {

    static final int PARTITIONS = PipelineHarness.PARTITIONS;

    private final PipelineHarness harness;
    private final HttpClient http = HttpClient.newHttpClient();
    private OperationsHttpServer producerHttp;
    private OperationsHttpServer subscriberHttp;

    private ScrapedPipeline(PipelineHarness harness) {
        this.harness = harness;
    }

    /**
     * Creates the database, runs {@code schemaStatements} in it (they must create the schema {@code shop} and its
     * tables), then starts the producer and the subscriber.
     */
    static ScrapedPipeline start(RunningPostgres postgres, RunningKafka kafka, RunningElasticsearch elasticsearch,
                                 String... schemaStatements) throws Exception {
        ScrapedPipeline pipeline = new ScrapedPipeline(PipelineHarness.create(postgres, kafka, elasticsearch,
                "scraped", "shop.*"));
        try {
            pipeline.sql(schemaStatements);
            pipeline.startProducer();
            pipeline.startSubscriber();
        } catch (Exception e) {
            try {
                pipeline.close();
            } catch (Exception closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        return pipeline;
    }

    private void startProducer() throws Exception {
        PrometheusMeterRegistry registry = ServiceMetrics.newRegistry("etl-producer");
        EtlProducer producer = new EtlProducer(harness.producerSettings(), registry);
        producerHttp = serve(registry, producer::isReady);
        harness.closedWithHarness(producer).start();
    }

    private void startSubscriber() {
        PrometheusMeterRegistry registry = ServiceMetrics.newRegistry("es-subscriber");
        EsSubscriber subscriber = new EsSubscriber(harness.subscriberSettings(), registry);
        subscriberHttp = serve(registry, subscriber::isReady);
        harness.closedWithHarness(subscriber).start();
    }

    private OperationsHttpServer serve(PrometheusMeterRegistry registry, BooleanSupplier ready) {
        return harness.closedWithHarness(OperationsHttpServer.start(0, registry, ready));
    }

    /** The topic the producer writes and the subscriber reads. */
    String topic() {
        return harness.topic();
    }

    /** The producer's {@code /metrics} answer now. */
    String scrapeProducer() throws IOException, InterruptedException {
        return scrape(producerHttp);
    }

    /** The subscriber's {@code /metrics} answer now. */
    String scrapeSubscriber() throws IOException, InterruptedException {
        return scrape(subscriberHttp);
    }

    private String scrape(OperationsHttpServer server) throws IOException, InterruptedException {
        URI metrics = URI.create("http://localhost:" + server.port() + "/metrics");
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(metrics).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + metrics + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    /** Runs each statement in the pipeline's database, each in its own transaction. */
    void sql(String... statements) throws SQLException {
        harness.database().sql(statements);
    }

    /** Stops what was started, last first: the subscriber, its HTTP server, the producer, its HTTP server. */
    @Override
    public void close() throws Exception {
        harness.close();
    }
}
