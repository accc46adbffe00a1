package io.tributary.pipeline.monitoring;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tributary.localstack.RunningElasticsearch;
import io.tributary.localstack.RunningKafka;
import io.tributary.localstack.RunningPostgres;
import io.tributary.ops.OperationsHttpServer;
import io.tributary.ops.ServiceMetrics;
import io.tributary.pipeline.TestSettings;
import io.tributary.producer.EtlProducer;
import io.tributary.producer.ProducerSettings;
import io.tributary.shaping.source.PostgresEndpoint;
import io.tributary.subscriber.EsSubscriber;
import io.tributary.subscriber.SubscriberSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * etl-producer and es-subscriber running against the local stack as {@code ServiceLauncher} runs them: each with the
 * registry of {@link ServiceMetrics} (JVM metrics and the {@code service} tag included) served on {@code /metrics} by
 * its own {@link OperationsHttpServer}, so a test scrapes exactly what Prometheus would. The producer streams every
 * table of the schema {@value #SCHEMA} of a fresh database to a fresh topic of {@value #PARTITIONS} partitions; the
 * subscriber applies that topic to Elasticsearch. {@link #close()} stops everything this started.
 */
final class ScrapedPipeline implements AutoCloseable {

    private static final String SCHEMA = "shop";
    static final int PARTITIONS = 3;

    private final RunningPostgres postgres;
    private final String database;
    private final String topic;
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<AutoCloseable> started = new ArrayList<>();
    private OperationsHttpServer producerHttp;
    private OperationsHttpServer subscriberHttp;

    private ScrapedPipeline(RunningPostgres postgres, String database) {
        this.postgres = postgres;
        this.database = database;
        this.topic = "scraped-" + database;
    }

    /**
     * Creates the database, runs {@code schemaStatements} in it (they must create the schema {@value #SCHEMA} and its
     * tables), then starts the producer and the subscriber.
     */
    static ScrapedPipeline start(RunningPostgres postgres, RunningKafka kafka, RunningElasticsearch elasticsearch,
                                 String... schemaStatements) throws Exception {
        String database = "scraped_" + System.nanoTime() % 1_000_000;
        postgres.createDatabase(database);
        ScrapedPipeline pipeline = new ScrapedPipeline(postgres, database);
        try {
            pipeline.sql(schemaStatements);
            pipeline.startProducer(kafka);
            pipeline.startSubscriber(kafka, elasticsearch);
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

    private void startProducer(RunningKafka kafka) throws SQLException {
        ProducerSettings settings = ProducerSettings.parse("""
                tributary.postgres { url = "%s", user = "%s", password = "%s", slot = slot_%s, publication = pub_%s }
                tributary.postgres.tables = ["%s.*"]
                tributary.kafka { bootstrap-servers = "%s", topic = "%s", partitions = %d }
                tributary.http.port = 0
                """.formatted(postgres.jdbcUrl(database), postgres.user(), postgres.password(), database, database,
                SCHEMA, kafka.bootstrapServers(), topic, PARTITIONS));
        PrometheusMeterRegistry registry = ServiceMetrics.newRegistry("etl-producer");
        EtlProducer producer = new EtlProducer(settings, registry);
        producerHttp = serve(registry, producer::isReady);
        producer.start();
        started.add(producer);
    }

    private void startSubscriber(RunningKafka kafka, RunningElasticsearch elasticsearch) {
        SubscriberSettings settings = TestSettings.subscriber(kafka.bootstrapServers(), elasticsearch.url(), topic,
                "group-" + database);
        PrometheusMeterRegistry registry = ServiceMetrics.newRegistry("es-subscriber");
        EsSubscriber subscriber = new EsSubscriber(settings, registry);
        subscriberHttp = serve(registry, subscriber::isReady);
        subscriber.start();
        started.add(subscriber);
    }

    private OperationsHttpServer serve(PrometheusMeterRegistry registry, BooleanSupplier ready) {
        OperationsHttpServer server = OperationsHttpServer.start(0, registry, ready);
        started.add(server);
        return server;
    }

    /** The topic the producer writes and the subscriber reads. */
    String topic() {
        return topic;
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
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(database), postgres.user(),
                postgres.password()); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    /** Stops what was started, last first: the subscriber, its HTTP server, the producer, its HTTP server. */
    @Override
    public void close() throws Exception {
        Exception failure = null;
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
