package io.tributary.subscriber;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.config.InvalidConfigException;
import io.tributary.index.mapping.TableMapping;
import io.tributary.model.TableId;
import io.tributary.subscriber.apply.SweepSettings;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SubscriberSettingsTest {

    private static Map<String, String> requiredEnvironment() {
        Map<String, String> environment = new HashMap<>();
        environment.put("TRIBUTARY_KAFKA_BOOTSTRAP_SERVERS", "kafka:9092");
        environment.put("TRIBUTARY_ELASTICSEARCH_URLS", "http://es-0:9200,http://es-1:9200");
        return environment;
    }

    @Test
    void requiredKeysFromTheEnvironmentAndDocumentedDefaults() {
        SubscriberSettings settings = SubscriberSettings.load(null, requiredEnvironment());

        assertEquals(List.of(URI.create("http://es-0:9200"), URI.create("http://es-1:9200")),
                settings.elasticsearch().connection().urls());
        assertEquals("tributary-es-subscriber", settings.kafka().groupId());
        assertEquals("tributary.changes", settings.kafka().topic());
        assertEquals(8081, settings.httpPort());
        assertEquals("tributary.changes.dlq", settings.kafka().deadLetterTopic());
    }

    @Test
    void deadLettersCarryChangeEventsOfTheProducersDefaultLimitUnlessSaidOtherwise() {
        assertEquals(64 * 1024 * 1024, SubscriberSettings.load(null, requiredEnvironment()).kafka().maxEventBytes());
        Map<String, String> environment = requiredEnvironment();
        environment.put("TRIBUTARY_KAFKA_MAX_EVENT_BYTES", "200MiB");
        assertEquals(200 * 1024 * 1024, SubscriberSettings.load(null, environment).kafka().maxEventBytes());
        assertEquals("tributary.kafka.max-event-bytes must be between 65536 and 1073741824 bytes, got 1000",
                bulkError("TRIBUTARY_KAFKA_MAX_EVENT_BYTES", "1000"));
    }

    @Test
    void aPatternTopicNeedsADeadLetterTopicItDoesNotMatch() {
        Map<String, String> environment = requiredEnvironment();
        environment.put("TRIBUTARY_KAFKA_TOPIC", "cdc.${schema}.${table}");
        InvalidConfigException unset = assertThrows(InvalidConfigException.class,
                () -> SubscriberSettings.load(null, environment));
        assertTrue(unset.getMessage().startsWith("tributary.kafka.dead-letter-topic must be set"), unset.getMessage());

        environment.put("TRIBUTARY_KAFKA_DEAD_LETTER_TOPIC", "cdc.shop.dlq");
        InvalidConfigException matched = assertThrows(InvalidConfigException.class,
                () -> SubscriberSettings.load(null, environment));
        assertTrue(matched.getMessage().contains("would read its own dead letters"), matched.getMessage());

        environment.put("TRIBUTARY_KAFKA_DEAD_LETTER_TOPIC", "cdc-dead-letters");
        assertEquals("cdc-dead-letters", SubscriberSettings.load(null, environment).kafka().deadLetterTopic());
    }

    @Test
    void missingElasticsearchUrlsAreNamed() {
        Map<String, String> environment = requiredEnvironment();
        environment.remove("TRIBUTARY_ELASTICSEARCH_URLS");

        InvalidConfigException error = assertThrows(InvalidConfigException.class,
                () -> SubscriberSettings.load(null, environment));
        assertTrue(error.getMessage().startsWith("tributary.elasticsearch.urls is required but not set"));
        assertTrue(error.getMessage().contains("TRIBUTARY_ELASTICSEARCH_URLS"));
    }

    @Test
    void malformedUrlAndInconsistentBackoffsAreNamed() {
        Map<String, String> environment = requiredEnvironment();
        environment.put("TRIBUTARY_ELASTICSEARCH_URLS", "es-0:9200");
        InvalidConfigException url = assertThrows(InvalidConfigException.class,
                () -> SubscriberSettings.load(null, environment));
        assertTrue(url.getMessage().contains("'es-0:9200' is not an http:// or https:// URL"), url.getMessage());

        Map<String, String> backoffs = requiredEnvironment();
        backoffs.put("TRIBUTARY_ELASTICSEARCH_RETRY_MAX_BACKOFF", "10ms");
        InvalidConfigException retry = assertThrows(InvalidConfigException.class,
                () -> SubscriberSettings.load(null, backoffs));
        assertTrue(retry.getMessage().startsWith("tributary.elasticsearch.retry.max-backoff must not be shorter"),
                retry.getMessage());
    }

    @Test
    void bulkLimitsHaveDocumentedDefaultsAndCanBeSet() {
        assertEquals(new SubscriberSettings.Bulk(2000, 5_000_000, Duration.ofMillis(50), 2),
                SubscriberSettings.load(null, requiredEnvironment()).elasticsearch().bulk());

        Map<String, String> environment = requiredEnvironment();
        environment.put("TRIBUTARY_ELASTICSEARCH_BULK_MAX_ACTIONS", "500");
        environment.put("TRIBUTARY_ELASTICSEARCH_BULK_MAX_BYTES", "512kB");
        environment.put("TRIBUTARY_ELASTICSEARCH_BULK_MAX_WAIT", "0ms");
        environment.put("TRIBUTARY_ELASTICSEARCH_BULK_CONCURRENCY", "4");
        assertEquals(new SubscriberSettings.Bulk(500, 512_000, Duration.ZERO, 4),
                SubscriberSettings.load(null, environment).elasticsearch().bulk());
    }

    @Test
    void deleteMarkersAreKeptForTheTopicsRetentionUnlessSaidOtherwise() {
        assertEquals(new SubscriberSettings.Deletes(Optional.empty(), Duration.ofHours(1)),
                SubscriberSettings.load(null, requiredEnvironment()).elasticsearch().deletes(),
                "auto: the topic's retention, read at startup; looked for every hour");
        Map<String, String> environment = requiredEnvironment();
        environment.put("TRIBUTARY_ELASTICSEARCH_DELETES_KEEP_FOR", "14d");
        environment.put("TRIBUTARY_ELASTICSEARCH_DELETES_PURGE_INTERVAL", "10m");
        assertEquals(new SubscriberSettings.Deletes(Optional.of(Duration.ofDays(14)), Duration.ofMinutes(10)),
                SubscriberSettings.load(null, environment).elasticsearch().deletes());
        environment.put("TRIBUTARY_ELASTICSEARCH_DELETES_KEEP_FOR", "forever");
        assertEquals(Optional.of(SubscriberSettings.Deletes.FOREVER),
                SubscriberSettings.load(null, environment).elasticsearch().deletes().keepFor());
        assertEquals("tributary.elasticsearch.deletes.keep-for must be auto (the topic's retention.ms +"
                + " segment.ms), forever, or a duration such as 14d, got \"a while\"",
                bulkError("TRIBUTARY_ELASTICSEARCH_DELETES_KEEP_FOR", "a while"));
    }

    @Test
    void truncatesAndSweepsScanInPagesAndGoOnInTheBackgroundAfterABudget() {
        assertEquals(new SweepSettings(5_000, Duration.ofSeconds(2)), SubscriberSettings.load(null,
                requiredEnvironment()).elasticsearch().sweeps());
        Map<String, String> environment = requiredEnvironment();
        environment.put("TRIBUTARY_ELASTICSEARCH_SWEEP_PAGE_SIZE", "100");
        environment.put("TRIBUTARY_ELASTICSEARCH_SWEEP_BACKGROUND_AFTER", "500ms");
        assertEquals(new SweepSettings(100, Duration.ofMillis(500)), SubscriberSettings.load(null, environment)
                .elasticsearch().sweeps());
        assertEquals("tributary.elasticsearch.sweep.page-size must be between 1 and 100000, got 0",
                bulkError("TRIBUTARY_ELASTICSEARCH_SWEEP_PAGE_SIZE", "0"));
    }

    @Test
    void badBulkLimitsAreNamedWithTheirValue() {
        assertEquals("tributary.elasticsearch.bulk.max-actions must be between 1 and 100000, got 0",
                bulkError("TRIBUTARY_ELASTICSEARCH_BULK_MAX_ACTIONS", "0"));
        assertEquals("tributary.elasticsearch.bulk.max-bytes must be a size such as 5MB or 512kB, got \"lots\"",
                bulkError("TRIBUTARY_ELASTICSEARCH_BULK_MAX_BYTES", "lots"));
        assertEquals("tributary.elasticsearch.bulk.max-bytes must be at least 1024 bytes, got 100",
                bulkError("TRIBUTARY_ELASTICSEARCH_BULK_MAX_BYTES", "100"));
        assertEquals("tributary.elasticsearch.bulk.max-wait must be at most 1m (the consumer must poll well"
                + " within max.poll.interval.ms), got 120000ms", bulkError("TRIBUTARY_ELASTICSEARCH_BULK_MAX_WAIT",
                "2m"));
        assertEquals("tributary.elasticsearch.bulk.concurrency must be between 1 and 64, got 0",
                bulkError("TRIBUTARY_ELASTICSEARCH_BULK_CONCURRENCY", "0"));
    }

    /** The message of the error {@code variable = value} causes, up to where it says where the value came from. */
    private static String bulkError(String variable, String value) {
        Map<String, String> environment = requiredEnvironment();
        environment.put(variable, value);
        String message = assertThrows(InvalidConfigException.class,
                () -> SubscriberSettings.load(null, environment)).getMessage();
        return message.replaceAll(" \\(from .*", "").replaceAll("; set tributary.*", "");
    }

    private static SubscriberSettings loadTables(Path directory, String tables) throws Exception {
        Path file = directory.resolve("subscriber.conf");
        Files.writeString(file, "tributary.tables " + tables + "\n");
        return SubscriberSettings.load(file, requiredEnvironment());
    }

    private static String tablesError(Path directory, String tables) {
        return assertThrows(InvalidConfigException.class, () -> loadTables(directory, tables)).getMessage();
    }

    @Test
    void tableEntriesAreReadWithEveryField(@TempDir Path directory) throws Exception {
        Files.writeString(directory.resolve("orders.json"), "{\"properties\":{\"id\":{\"type\":\"long\"}}}");

        SubscriberSettings settings = loadTables(directory, "{ \"shop.orders\" { alias = orders, exclude = [notes],"
                + " rename { total = amount }, routing = customer_id, mapping-file = orders.json },"
                + " \"shop.lines\" { index = lines, columns = \"id, qty\" } }");

        TableMapping orders = settings.tables().get(new TableId("shop", "orders"));
        assertEquals("orders", orders.target());
        assertEquals("orders-000001", orders.index());
        assertEquals(Set.of("notes"), orders.exclude());
        assertEquals(Map.of("total", "amount"), orders.rename());
        assertEquals(Optional.of("customer_id"), orders.routing());
        assertEquals("long", orders.mappingFile().orElseThrow().mappings().at("/properties/id/type").asText());
        TableMapping lines = settings.tables().get(new TableId("shop", "lines"));
        assertEquals("lines", lines.target());
        assertEquals("lines-000001", lines.index(), "index and alias both name what documents are searched by");
        assertEquals(Set.of("id", "qty"), lines.include());
        assertEquals(Map.of(), SubscriberSettings.load(null, requiredEnvironment()).tables());
    }

    @Test
    void tablesCanComeFromTheEnvironmentAsHocon() {
        Map<String, String> environment = requiredEnvironment();
        environment.put("TRIBUTARY_TABLES", "\"shop.orders\" { routing = tenant_id }");

        TableMapping orders = SubscriberSettings.load(null, environment).tables().get(new TableId("shop", "orders"));

        assertEquals(Optional.of("tenant_id"), orders.routing());
        assertEquals("shop.orders", orders.target());
    }

    @Test
    void tableEntryMistakesNameTheEntryAndField(@TempDir Path directory) {
        assertTrue(tablesError(directory, "{ \"shop.orders\" { indx = o } }").startsWith(
                "tributary.tables entry \"shop.orders\" has an unknown field 'indx' (known: [index, columns,"),
                "unknown field");
        assertTrue(tablesError(directory, "{ shop.orders { index = o } }").contains(
                "quote table names, which contain a dot: \"shop.orders\""), "unquoted table name");
        assertTrue(tablesError(directory, "{ \"shop.orders\" { columns = [a], exclude = [b] } }").contains(
                "entry \"shop.orders\" sets both columns and exclude"), "columns and exclude");
        assertTrue(tablesError(directory, "{ \"shop.orders\" { index = Orders } }").contains(
                "entry \"shop.orders\".index 'Orders' contains upper-case letters"), "index naming");
        assertTrue(tablesError(directory, "{ \"shop.orders\" { alias = \"a b\" } }").contains(
                "entry \"shop.orders\".alias 'a b' contains ' '"), "alias naming");
        assertTrue(tablesError(directory, "{ \"shop.orders\" { index = o, alias = a } }").contains(
                "sets both index and alias"), "index and alias");
        assertTrue(tablesError(directory, "{ \"shop.orders\" { routing = [a] } }").contains(
                "entry \"shop.orders\".routing must be a non-empty string"), "routing type");
        assertTrue(tablesError(directory, "{ \"shop.orders\" { columns = 5 } }").contains(
                "entry \"shop.orders\".columns must be a list of column names, got 5"), "columns type");
        assertTrue(tablesError(directory, "{ \"shop.orders\" { exclude = [a], rename { a = b } } }").contains(
                "entry \"shop.orders\".rename.a renames column 'a', which exclude drops"), "rename of excluded");
        assertTrue(tablesError(directory, "{ \"shop.orders\" { rename { a = c, b = c } } }").contains(
                "is renamed too"), "two columns to one field");
        assertTrue(tablesError(directory, "{ \"shop.orders\" { rename { a = _id } } }").contains(
                "'_id' starts with '_'"), "metadata field");
        assertTrue(tablesError(directory, "{ \"shop.my table\" { routing = a } }").contains(
                "entry \"shop.my table\" needs an index or alias: table shop.my table cannot be indexed"),
                "impossible default index");
        assertTrue(tablesError(directory, "{ \"a.b.c\" { } }").contains("entry \"a.b.c\" is not a table name"),
                "table name");
        assertTrue(tablesError(directory, "{ \"shop.orders\" = 5 }").contains("must be an object"), "entry type");
        String missing = tablesError(directory, "{ \"shop.orders\" { mapping-file = nowhere.json } }");
        assertTrue(missing.contains("entry \"shop.orders\".mapping-file cannot read " + directory.resolve(
                "nowhere.json")), missing);
        assertTrue(missing.contains("TRIBUTARY_TABLES"), missing);
    }

    @Test
    void aMappingFileMustHoldTheMappingsObject(@TempDir Path directory) throws Exception {
        Files.writeString(directory.resolve("body.json"), "{\"mappings\":{\"properties\":{}}}");
        Files.writeString(directory.resolve("list.json"), "[1]");

        assertTrue(tablesError(directory, "{ \"shop.orders\" { mapping-file = body.json } }").contains(
                "holds a create-index body; give the mappings object alone"));
        assertTrue(tablesError(directory, "{ \"shop.orders\" { mapping-file = list.json } }").contains(
                "must hold a JSON object of mappings"));
    }

    @Test
    void documentsWithoutADatabaseToReadThemFromAreNamed(@TempDir Path directory) throws Exception {
        Path file = directory.resolve("subscriber.conf");
        Files.writeString(file, "tributary.documents.orders { root = \"shop.orders\" }\n");
        Map<String, String> environment = requiredEnvironment();

        String unset = assertThrows(InvalidConfigException.class, () -> SubscriberSettings.load(file, environment))
                .getMessage();
        environment.put("TRIBUTARY_POSTGRES_URL", "postgres://db/shop");
        String notJdbc = assertThrows(InvalidConfigException.class, () -> SubscriberSettings.load(file, environment))
                .getMessage();

        assertTrue(unset.startsWith("tributary.postgres.url must be set when tributary.documents is: documents"
                + " [orders] are read from PostgreSQL; set tributary.postgres.url in the config file or the"
                + " environment variable TRIBUTARY_POSTGRES_URL"), unset);
        assertTrue(notJdbc.startsWith("tributary.postgres.url must be a JDBC URL such as"
                + " jdbc:postgresql://host:5432/database, got 'postgres://db/shop'"), notJdbc);
    }
}
