package io.tributary.subscriber.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.tributary.config.InvalidConfigException;
import io.tributary.documents.CatalogTable;
import io.tributary.documents.DocumentChecks;
import io.tributary.documents.DocumentSettings;
import io.tributary.documents.DocumentSpecReader;
import io.tributary.documents.DocumentTree;
import io.tributary.index.mapping.TableMapping;
import io.tributary.index.mapping.TableMappings;
import io.tributary.model.TableId;
import io.tributary.subscriber.SubscriberSettings;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The startup checks that need no database: a join column stays in its table's own index; no database is named. */
class DocumentSourceTest {

    private static final TableId ORDERS = TableId.parse("shop.orders");
    private static final TableId ITEMS = TableId.parse("shop.order_items");

    private static final DocumentTree ORDERS_WITH_ITEMS = tree("""
            tributary.documents.orders {
              root = "shop.orders"
              join { items { table = "shop.order_items", on { id = order_id }, many = true } }
            }
            """);

    private static DocumentTree tree(String hocon) {
        Map<TableId, CatalogTable> tables = Map.of(
                ORDERS, table(ORDERS, "id", "status"),
                ITEMS, table(ITEMS, "id", "order_id", "sku"));
        DocumentChecks checks = new DocumentChecks(table -> Optional.ofNullable(tables.get(table)), "tributary",
                Optional.of(tables.keySet()));
        return checks.check(DocumentSpecReader.read(ConfigFactory.parseString(hocon)).get(0));
    }

    /** A table of int4 columns keyed by its first. */
    private static CatalogTable table(TableId id, String... columns) {
        return new CatalogTable(id, java.util.Arrays.stream(columns)
                .map(name -> new CatalogTable.Column(name, 23, "int4", 23)).toList(), List.of(columns[0]),
                List.of(Set.of(columns[0])));
    }

    private static TableMappings items(Set<String> exclude, Map<String, String> rename) {
        return new TableMappings(Map.of(ITEMS, new TableMapping(ITEMS, "items-000001", Optional.of("items"),
                Set.of(), exclude, rename, Optional.empty(), Optional.empty())));
    }

    @Test
    void aJoinColumnDroppedFromItsTablesOwnIndexStopsTheStartNamingDocumentColumnAndTable() {
        InvalidConfigException error = assertThrows(InvalidConfigException.class,
                () -> DocumentSource.requireJoinColumnsKept(ORDERS_WITH_ITEMS, items(Set.of("order_id"), Map.of())));

        assertEquals("tributary.documents.orders joins on column 'order_id' of shop.order_items, which"
                + " tributary.tables drops from the table's own index; keep it there: a row's previous join values"
                + " are read from that index when PostgreSQL sends only the new row", error.getMessage());
    }

    @Test
    void aJoinColumnKeptUnderAnotherNameIsAccepted() {
        DocumentSource.requireJoinColumnsKept(ORDERS_WITH_ITEMS, items(Set.of("sku"), Map.of("order_id", "order")));
        DocumentSource.requireJoinColumnsKept(ORDERS_WITH_ITEMS, new TableMappings(Map.of()));
    }

    @Test
    void aDatabaseThatDoesNotAnswerStopsTheStartNamingTheSettings() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String url = "jdbc:postgresql://127.0.0.1:" + closedPort + "/shop";
        DocumentSettings settings = DocumentSettings.read(ConfigFactory.parseString("""
                tributary.postgres { url = "%s", user = reader }
                tributary.documents.orders { root = "shop.orders" }
                """.formatted(url)).withFallback(ConfigFactory.parseResources(SubscriberSettings.REFERENCE)).resolve());

        IllegalStateException error = assertThrows(IllegalStateException.class,
                () -> DocumentSource.check(settings, new TableMappings(Map.of())));

        assertTrue(error.getMessage().startsWith("PostgreSQL at " + url + " as reader (tributary.postgres, where"
                + " joined documents are read from) cannot be read: "), error.getMessage());
        assertTrue(error.getMessage().endsWith("; check tributary.postgres.url, user and password"),
                error.getMessage());
    }
}
