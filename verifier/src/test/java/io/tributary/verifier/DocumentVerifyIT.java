package io.tributary.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.config.ConfigLoader;
import io.tributary.config.PostgresTls;
import io.tributary.documents.CatalogTable;
import io.tributary.documents.DocumentBuilder.Built;
import io.tributary.documents.DocumentBuilder;
import io.tributary.documents.DocumentChecks;
import io.tributary.documents.DocumentMappings;
import io.tributary.documents.DocumentSpecReader;
import io.tributary.documents.DocumentTree;
import io.tributary.documents.Snapshot;
import io.tributary.documents.SourceCatalog;
import io.tributary.documents.SourceSession;
import io.tributary.index.ElasticsearchConnection;
import io.tributary.index.mapping.DeleteMarker;
import io.tributary.localstack.LocalStackExtension;
import io.tributary.localstack.RunningElasticsearch;
import io.tributary.localstack.RunningPostgres;
import io.tributary.localstack.testkit.DocumentReader;
import io.tributary.localstack.testkit.TestDatabase;
import io.tributary.model.ChangeEventJson;
import io.tributary.model.TableId;
import io.tributary.shaping.PgTypes;
import io.tributary.shaping.TypeCatalog;
import io.tributary.shaping.ValueConverter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code verify} of a joined document type against real PostgreSQL and Elasticsearch: a shop's orders with their
 * customer (one row or null), items with their product (an array with a join inside) and tags (many-to-many through
 * a link table). The documents are written as the subscriber would write them (built by {@link DocumentBuilder} at one
 * snapshot, written at its version through {@link DocumentRepairs}) into the index and alias the subscriber would
 * create; then drift is planted, must be found exactly, repaired by {@code --repair}, and gone.
 */
@ExtendWith(LocalStackExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class DocumentVerifyIT {

    private static final int ORDERS = 40;

    private final RunningPostgres postgres;
    private final ElasticsearchHttp http;
    private final DocumentReader documents;
    private final String elasticsearchUrl;
    private String database;
    private TestDatabase db;
    private String schema;
    /** The document type, and the alias its documents are searched by. */
    private String name;
    private Path producerConfig;
    private Path subscriberConfig;

    DocumentVerifyIT(RunningPostgres postgres, RunningElasticsearch elasticsearch) {
        this.postgres = postgres;
        this.elasticsearchUrl = elasticsearch.url();
        this.http = new ElasticsearchHttp(elasticsearch.url());
        this.documents = new DocumentReader(elasticsearch, ChangeEventJson.mapper());
    }

    @BeforeEach
    void createTheShopAndWriteItsDocuments(@TempDir Path directory) throws Exception {
        database = "docverify_" + System.nanoTime() % 1_000_000;
        schema = "shop_" + database;
        name = "orders_" + database;
        db = TestDatabase.create(postgres, database);
        db.sql("CREATE SCHEMA " + schema,
            "CREATE TABLE " + schema + ".customers (id int PRIMARY KEY, name text NOT NULL, email text)",
            "CREATE TABLE " + schema + ".products (sku text PRIMARY KEY, title text, price numeric(10,2))",
            "CREATE TABLE " + schema + ".orders (id bigint PRIMARY KEY, customer_id int, status text,"
                    + " total numeric(12,2), internal_note text, created_at timestamptz)",
            "CREATE TABLE " + schema + ".order_items (order_id bigint, line int, sku text, qty int,"
                    + " PRIMARY KEY (order_id, line))",
            "CREATE TABLE " + schema + ".tags (id int PRIMARY KEY, label text)",
            "CREATE TABLE " + schema + ".order_tags (order_id bigint, tag_id int, PRIMARY KEY (order_id, tag_id))",
            "INSERT INTO " + schema + ".customers SELECT i, 'customer ' || i, 'c' || i || '@example.com'"
                    + " FROM generate_series(1, 9) i",
            "INSERT INTO " + schema + ".products SELECT 'p' || i, 'product ' || i, i * 2.50"
                    + " FROM generate_series(1, 5) i",
            "INSERT INTO " + schema + ".tags SELECT i, 'tag ' || i FROM generate_series(1, 3) i",
            "INSERT INTO " + schema + ".orders SELECT i, NULLIF(i % 10, 0), 'new', i * 10.25, 'secret ' || i,"
                    + " timestamptz '2026-01-01 00:00:00+00' + i * interval '1 day' FROM generate_series(1, "
                    + ORDERS + ") i",
            "INSERT INTO " + schema + ".order_items SELECT o, l, 'p' || (l % 5 + 1), l"
                    + " FROM generate_series(1, " + ORDERS + ") o, generate_series(1, 3) l"
                    + " WHERE o % 4 <> 0 AND l <= o % 3 + 1",
            "INSERT INTO " + schema + ".order_tags SELECT o, t FROM generate_series(1, " + ORDERS + ") o,"
                    + " generate_series(1, 3) t WHERE (o + t) % 2 = 0");
        producerConfig = Files.writeString(directory.resolve("producer.conf"), """
                tributary.postgres { url = "%s", user = "%s", password = "%s", tables = ["%s.*"] }
                tributary.kafka.bootstrap-servers = "127.0.0.1:1"
                """.formatted(postgres.jdbcUrl(database), postgres.user(), postgres.password(), schema));
        subscriberConfig = Files.writeString(directory.resolve("subscriber.conf"), """
                tributary.kafka.bootstrap-servers = "127.0.0.1:1"
                tributary.elasticsearch.urls = ["%s"]
                tributary.postgres { url = "%s", user = "%s", password = "%s" }
                tributary.documents {
                  %s {
                    root = "%s.orders"
                    exclude = [internal_note]
                    join {
                      customer { table = "%s.customers", on { customer_id = id } }
                      items { table = "%s.order_items", on { id = order_id }, many = true,
                              join { product { table = "%s.products", on { sku = sku } } } }
                      tags { table = "%s.tags", many = true,
                             through { table = "%s.order_tags", on { id = order_id }, to { tag_id = id } } }
                    }
                  }
                }
                """.formatted(elasticsearchUrl, postgres.jdbcUrl(database), postgres.user(), postgres.password(),
                name, schema, schema, schema, schema, schema, schema));
        writeEveryDocumentAsTheSubscriberWould();
    }

    @Test
    void findsMissingExtraAndDifferentDocumentsRepairsThemAndThenVerifiesClean() throws Exception {
        Cli clean = verify();
        assertEquals(Verify.NO_DRIFT, clean.status(), clean.toString());
        http.send("DELETE", "/" + name + "-000001/_doc/3", null);
        JsonNode five = document(name, "5");
        ObjectNode damaged = five.get("_source").deepCopy();
        ((ObjectNode) damaged.get("items").get(0)).put("qty", 99);
        http.send("PUT", "/" + name + "-000001/_doc/5?version=" + five.get("_version").asLong()
                + "&version_type=external_gte", damaged.toString());
        long versionOfEleven = document(name, "11").get("_version").asLong();
        http.send("PUT", "/" + name + "-000001/_doc/11?version=" + versionOfEleven + "&version_type=external_gte",
                "{\"" + DeleteMarker.DELETED_FIELD + "\":\"2026-12-02T08:00:00Z\"}");
        http.send("PUT", "/" + name + "-000001/_doc/9999?version=5&version_type=external",
                "{\"id\":9999,\"status\":\"ghost\",\"items\":[],\"tags\":[],\"customer\":null}");
        long versionOfSeven = document(name, "7").get("_version").asLong();
        db.sql("DELETE FROM " + schema + ".order_items WHERE order_id = 7",
            "DELETE FROM " + schema + ".order_tags WHERE order_id = 7",
            "DELETE FROM " + schema + ".orders WHERE id = 7");

        Cli found = verify();
        assertEquals(Verify.DRIFT, found.status(), found.toString());
        assertTrue(found.out().contains("document " + name + " → index " + name + ": " + (ORDERS - 1) + " rows of "
                + schema + ".orders, " + (ORDERS - 1) + " documents: 2 missing, 2 extra, 1 different\n"), found.out());
        assertTrue(found.out().contains("  missing    _id 3\n  missing    _id 11\n"), found.out());
        assertTrue(found.out().contains("  different  _id 5: items[0].qty: 1 ≠ 99\n"), found.out());
        assertTrue(found.out().contains("  extra      _id 7 (_version " + versionOfSeven + ")\n"), found.out());
        assertTrue(found.out().contains("  extra      _id 9999 (_version 5)\n"), found.out());
        assertTrue(found.out().endsWith("verify: drift in 1 of 1 document types\n"), found.out());

        Cli repaired = verify("--repair");
        assertEquals(Verify.DRIFT, repaired.status(), "the drift was found, then repaired: " + repaired);
        assertTrue(repaired.out().contains("  repair: 5 documents written to Elasticsearch\n"), repaired.out());
        Cli again = verify();
        assertEquals(Verify.NO_DRIFT, again.status(), again.toString());
        assertTrue(again.out().contains("document " + name + " → index " + name + ": " + (ORDERS - 1) + " rows of "
                + schema + ".orders, " + (ORDERS - 1) + " documents: in sync\n"), again.out());
        assertTrue(again.out().endsWith("verify: no drift in 1 document types\n"), again.out());

        assertEquals("customer 3", document(name, "3").at("/_source/customer/name").asText());
        assertEquals("customer 1", document(name, "11").at("/_source/customer/name").asText());
        assertEquals(1, document(name, "5").at("/_source/items/0/qty").asInt());
        for (String id : List.of("7", "9999")) {
            JsonNode marker = document(name, id);
            assertTrue(DeleteMarker.isMarker(marker.get("_source")), marker.toString());
            assertTrue(marker.get("_version").asLong() > versionOfSeven, "a marker of a later snapshot: " + marker);
        }
    }

    @Test
    void aDocumentTypeWithoutItsIndexIsAllMissingAndTheIndexIsLeftToTheSubscriber() {
        http.send("DELETE", "/" + name + "-000001", null);

        Cli cli = verify("--repair");

        assertEquals(Verify.DRIFT, cli.status(), cli.toString());
        assertTrue(cli.out().contains(": " + ORDERS + " rows of " + schema + ".orders, 0 documents: " + ORDERS
                + " missing, 0 extra, 0 different\n"), cli.out());
        assertTrue(cli.out().contains("  note: index " + name + " does not exist: every document is missing; not"
                + " repaired"), cli.out());
        assertTrue(cli.out().contains("  repair: 0 documents written to Elasticsearch\n"), cli.out());
        assertThrows(IllegalStateException.class, () -> http.send("HEAD", "/" + name, null),
                "no index was created by writing to the alias's name");
    }

    /**
     * The index and alias the subscriber creates for the type (mapped from the catalog, the alias hiding delete
     * markers), and every order's document built at one snapshot and written at its version, as the subscriber does.
     * One document is checked by hand against the join, so the test does not rest on the builder alone.
     */
    private void writeEveryDocumentAsTheSubscriberWould() throws Exception {
        try (SourceSession session = SourceSession.open(postgres.jdbcUrl(database), postgres.user(),
                postgres.password(), PostgresTls.DEFAULT, "document-verify-it");
             ElasticsearchDocuments documents = new ElasticsearchDocuments(
                     ElasticsearchConnection.basic(List.of(URI.create(elasticsearchUrl)), "", ""), Optional.empty())) {
            Connection connection = session.connection();
            DocumentTree tree = new DocumentChecks(table -> catalogTable(connection, table), "", Optional.empty())
                    .check(DocumentSpecReader.read(ConfigLoader.load(ConfigLoader.SUBSCRIBER_REFERENCE, subscriberConfig,
                            Map.of())).get(0));
            ObjectNode mappings = DocumentMappings.of(tree);
            ((ObjectNode) mappings.get("properties")).putObject(DeleteMarker.DELETED_FIELD).put("type", "date");
            ObjectNode index = ChangeEventJson.mapper().createObjectNode();
            index.set("mappings", mappings);
            ObjectNode alias = index.putObject("aliases").putObject(name).put("is_write_index", true);
            alias.putObject("filter").putObject("bool").putObject("must_not").putObject("exists")
                    .put("field", DeleteMarker.DELETED_FIELD);
            http.send("PUT", "/" + name + "-000001", index.toString());

            ValueConverter values = new ValueConverter(PgTypes.fromCatalog(TypeCatalog.query(connection), List::of),
                    ProducerConfigFile.load(producerConfig, Map.of()).numericMode());
            DocumentRepairs writer = new DocumentRepairs(documents, Clock.systemUTC());
            Snapshot snapshot = session.begin();
            List<Built> built = new DocumentBuilder(tree, values).build(connection,
                    IntStream.rangeClosed(1, ORDERS).mapToObj(id -> List.of(Integer.toString(id))).toList());
            session.end();
            assertEquals(ORDERS, built.size());
            for (Built document : built) {
                assertTrue(writer.write(name, document.id(), document.document(), snapshot), document.id());
            }
            JsonNode first = built.get(0).document();
            assertEquals("customer 1", first.at("/customer/name").asText(), first.toString());
            assertEquals("product 3", first.at("/items/1/product/title").asText(), first.toString());
            assertEquals(List.of("tag 1", "tag 3"), first.get("tags").findValuesAsText("label"), first.toString());
            assertFalse(first.has("internal_note"), first.toString());
            assertTrue(built.get(9).document().get("customer").isNull(), "order 10 has no customer");
        }
    }

    private static Optional<CatalogTable> catalogTable(Connection connection, TableId table) {
        try {
            return SourceCatalog.table(connection, table);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private Cli verify(String... extra) {
        String[] args = new String[8 + extra.length];
        args[0] = "--producer-config";
        args[1] = producerConfig.toString();
        args[2] = "--subscriber-config";
        args[3] = subscriberConfig.toString();
        args[4] = "--document";
        args[5] = name;
        args[6] = "--chunk-size";
        args[7] = "7";
        System.arraycopy(extra, 0, args, 8, extra.length);
        return Cli.run(args);
    }

    private JsonNode document(String index, String id) {
        return documents.get(index, id).orElseThrow(() -> new IllegalStateException("no document " + id + " in "
                + index));
    }
}
