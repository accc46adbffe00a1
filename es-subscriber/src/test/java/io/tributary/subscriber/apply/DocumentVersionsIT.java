package io.tributary.subscriber.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.typesafe.config.ConfigFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tributary.documents.DocumentBuilder;
import io.tributary.documents.DocumentSettings;
import io.tributary.documents.Snapshot;
import io.tributary.documents.SourceSession;
import io.tributary.index.ElasticsearchClientFactory;
import io.tributary.index.ElasticsearchConnection;
import io.tributary.index.SearchEngine;
import io.tributary.index.mapping.TableMappings;
import io.tributary.localstack.LocalStackExtension;
import io.tributary.localstack.RunningElasticsearch;
import io.tributary.localstack.RunningPostgres;
import io.tributary.localstack.testkit.DocumentReader;
import io.tributary.localstack.testkit.TestDatabase;
import io.tributary.model.ChangeEventJson;
import io.tributary.subscriber.SubscriberSettings;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two rebuilds of one joined document that finish in the wrong order — the one that read the older snapshot last, as
 * when a slow subscriber is overtaken by another — leave the newer one in Elasticsearch; a root deleted and inserted
 * again is marked deleted, then comes back, whatever older rebuild arrives late. Real PostgreSQL and Elasticsearch.
 */
@ExtendWith(LocalStackExtension.class)
class DocumentVersionsIT {

    private static final String DOCUMENT = "orders_versions";

    private final RunningPostgres postgres;
    private final RunningElasticsearch elasticsearch;
    private final DocumentReader documents;
    private TestDatabase database;
    private ElasticsearchClient client;
    private DocumentSource source;
    private DocumentWriter writer;

    DocumentVersionsIT(RunningPostgres postgres, RunningElasticsearch elasticsearch) {
        this.postgres = postgres;
        this.elasticsearch = elasticsearch;
        this.documents = new DocumentReader(elasticsearch, ChangeEventJson.mapper());
    }

    @BeforeEach
    void setUp() throws Exception {
        documents.deleteIndices(DOCUMENT + "-000001");
        database = TestDatabase.createUnique(postgres, "versions");
        database.sql("CREATE TABLE customers (id int PRIMARY KEY, name text)",
            "CREATE TABLE orders (id int PRIMARY KEY, customer_id int)",
            "INSERT INTO customers VALUES (1, 'Ada')", "INSERT INTO orders VALUES (1, 1)");
        DocumentSettings settings = DocumentSettings.read(ConfigFactory.parseString("""
                tributary.postgres { url = "%s", user = "%s", password = "%s", publication = "" }
                tributary.documents.%s { root = "public.orders",
                                         join { customer { table = "public.customers", on { customer_id = id } } } }
                """.formatted(database.jdbcUrl(), postgres.user(), postgres.password(), DOCUMENT))
                .withFallback(ConfigFactory.parseResources(SubscriberSettings.REFERENCE)).resolve());
        ElasticsearchConnection connection = ElasticsearchConnection.basic(List.of(URI.create(elasticsearch.url())), "",
                "");
        SearchEngine engine = ElasticsearchClientFactory.engine(connection, Optional.empty());
        client = ElasticsearchClientFactory.create(connection, engine);
        RestClient rest = ((RestClientTransport) client._transport()).restClient();
        source = DocumentSource.check(settings, new TableMappings(Map.of()));
        new DocumentIndexes(client, engine).ensure(source.trees().get(0));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        writer = new DocumentWriter(rest, new ApplyMetrics(registry), new DocumentMetrics(registry), Clock.systemUTC(),
                2);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (client != null) {
            client._transport().close();
        }
    }

    @Test
    void theRebuildThatReadMoreWinsWhicheverFinishesLast() throws Exception {
        DocumentBuilder builder = source.builders().values().iterator().next();
        try (SourceSession slow = source.openSession(); SourceSession fast = source.openSession()) {
            Snapshot older = slow.begin();
            database.sql("UPDATE customers SET name = 'Ada Lovelace' WHERE id = 1");
            Snapshot newer = fast.begin();
            assertTrue(newer.version() > older.version(), older + " then " + newer);

            writer.write(fast.connection(), builder, List.of(List.of("1")), newer);
            writer.write(slow.connection(), builder, List.of(List.of("1")), older);

            assertEquals("Ada Lovelace", stored("1").path("customer").path("name").asText());
            slow.end();
            fast.end();

            // The root is deleted: its rebuild marks the document deleted; an older rebuild arriving late is refused.
            Snapshot beforeDelete = slow.begin();
            database.sql("DELETE FROM orders WHERE id = 1");
            Snapshot afterDelete = fast.begin();
            writer.write(fast.connection(), builder, List.of(List.of("1")), afterDelete);
            writer.write(slow.connection(), builder, List.of(List.of("1")), beforeDelete);
            assertTrue(stored("1").has("_tributary_deleted"), "a marker, not the order: " + stored("1"));
            assertFalse(searchable("1"), "searches do not see a deleted order");
            slow.end();
            fast.end();

            // Inserted again with the same key: read by a later snapshot, it replaces the marker.
            database.sql("INSERT INTO orders VALUES (1, 1)");
            Snapshot reinserted = fast.begin();
            writer.write(fast.connection(), builder, List.of(List.of("1")), reinserted);
            fast.end();
            assertEquals("Ada Lovelace", stored("1").path("customer").path("name").asText());
            assertTrue(searchable("1"));
        }
    }

    private JsonNode stored(String id) {
        return documents.get(DOCUMENT, id).map(document -> document.path("_source"))
                .orElse(MissingNode.getInstance());
    }

    private boolean searchable(String id) {
        return documents.count(DOCUMENT, "{\"ids\":{\"values\":[\"" + id + "\"]}}") == 1;
    }
}
