package io.tributary.localstack.demo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The quickstart's demo workload: {@code schema} creates six shop tables (customers, products, orders, order_items,
 * tags, order_tags), {@code write} inserts, updates and deletes rows in them, {@code report} waits until
 * Elasticsearch holds as many documents per table as PostgreSQL has rows and prints both counts, {@code document}
 * shows a joined {@code orders} document following a change ({@link OrdersDocumentDemo}). Run by
 * {@code scripts/quickstart.sh}:
 * {@code java -cp local-stack.jar io.tributary.localstack.demo.QuickstartDemo schema|write|report|document JDBC_URL ES_URL}.
 */
public final class QuickstartDemo {

    /** The demo tables, as the producer's configuration names them. */
    static final List<String> TABLES = List.of("shop.customers", "shop.products", "shop.orders", "shop.order_items",
            "shop.tags", "shop.order_tags");
    private static final Pattern COUNT = Pattern.compile("\"count\"\\s*:\\s*(\\d+)");

    private QuickstartDemo() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || (args.length < 3 && (args[0].equals("report") || args[0].equals("document")))) {
            System.err.println("usage: QuickstartDemo schema|write|report|document JDBC_URL [ES_URL]");
            System.exit(2);
        }
        try (Connection connection = DriverManager.getConnection(args[1], "postgres", "postgres")) {
            switch (args[0]) {
                case "schema" -> execute(connection, SCHEMA);
                case "write" -> execute(connection, WORKLOAD);
                case "report" -> System.exit(report(connection, args[2]) ? 0 : 1);
                case "document" -> System.exit(OrdersDocumentDemo.show(connection, args[2], System.out) ? 0 : 1);
                default -> {
                    System.err.println("unknown step '" + args[0] + "'");
                    System.exit(2);
                }
            }
        }
    }

    /**
     * A small shop. The subscriber's joined {@code orders} document (scripts/quickstart.sh writes its configuration)
     * embeds an order's customer, its items with their product, and its tags through the link table order_tags.
     * The indexes on join columns let a change of a customer, product or tag find its orders quickly.
     */
    private static final List<String> SCHEMA = List.of(
            "CREATE SCHEMA IF NOT EXISTS shop",
            "CREATE TABLE IF NOT EXISTS shop.customers (id int PRIMARY KEY, name text NOT NULL, email text,"
                    + " city text, vip boolean NOT NULL DEFAULT false, signed_up timestamptz NOT NULL DEFAULT now())",
            "CREATE TABLE IF NOT EXISTS shop.products (sku text PRIMARY KEY, title text NOT NULL,"
                    + " price numeric(10,2) NOT NULL)",
            "CREATE TABLE IF NOT EXISTS shop.orders (id bigint PRIMARY KEY,"
                    + " customer_id int NOT NULL REFERENCES shop.customers,"
                    + " total numeric(12,2) NOT NULL, status text NOT NULL, details jsonb)",
            "CREATE INDEX IF NOT EXISTS orders_customer_id ON shop.orders (customer_id)",
            "CREATE TABLE IF NOT EXISTS shop.order_items (id bigint PRIMARY KEY,"
                    + " order_id bigint NOT NULL REFERENCES shop.orders ON DELETE CASCADE,"
                    + " sku text NOT NULL REFERENCES shop.products, qty int NOT NULL)",
            "CREATE INDEX IF NOT EXISTS order_items_order_id ON shop.order_items (order_id)",
            "CREATE INDEX IF NOT EXISTS order_items_sku ON shop.order_items (sku)",
            "CREATE TABLE IF NOT EXISTS shop.tags (id int PRIMARY KEY, label text NOT NULL UNIQUE)",
            "CREATE TABLE IF NOT EXISTS shop.order_tags (order_id bigint REFERENCES shop.orders ON DELETE CASCADE,"
                    + " tag_id int REFERENCES shop.tags, PRIMARY KEY (order_id, tag_id))",
            "CREATE INDEX IF NOT EXISTS order_tags_tag_id ON shop.order_tags (tag_id)");

    private static final List<String> WORKLOAD = List.of(
            "INSERT INTO shop.customers (id, name, email, city, vip) SELECT g, 'Customer ' || g,"
                    + " 'c' || g || '@example.com', (ARRAY['Berlin', 'Lisbon', 'London', 'Oslo', 'Paris'])[1 + g % 5],"
                    + " g % 10 = 0 FROM generate_series(1, 210) g ON CONFLICT DO NOTHING",
            "INSERT INTO shop.products SELECT 'sku-' || lpad(g::text, 2, '0'), 'Product ' || g,"
                    + " round((g * 3.15)::numeric, 2) FROM generate_series(1, 40) g ON CONFLICT DO NOTHING",
            "INSERT INTO shop.orders SELECT g, 1 + g % 200, round((g * 7.35)::numeric, 2), 'new',"
                    + " jsonb_build_object('channel', CASE WHEN g % 2 = 0 THEN 'web' ELSE 'store' END)"
                    + " FROM generate_series(1, 500) g ON CONFLICT DO NOTHING",
            "INSERT INTO shop.order_items SELECT (o - 1) * 3 + l, o, 'sku-' || lpad((1 + o * l % 40)::text, 2, '0'),"
                    + " 1 + (o + l) % 5 FROM generate_series(1, 500) o, generate_series(1, 3) l ON CONFLICT DO NOTHING",
            "INSERT INTO shop.tags VALUES (1, 'gift'), (2, 'express'), (3, 'fragile'), (4, 'business'),"
                    + " (5, 'returning') ON CONFLICT DO NOTHING",
            "INSERT INTO shop.order_tags SELECT o, 1 + o % 5 FROM generate_series(1, 500) o"
                    + " UNION ALL SELECT o, 1 + (o + 2) % 5 FROM generate_series(3, 500, 3) o ON CONFLICT DO NOTHING",
            "UPDATE shop.orders SET status = 'shipped' WHERE id % 3 = 0",
            "UPDATE shop.customers SET vip = true, name = name || ' (VIP)' WHERE id % 25 = 0",
            "UPDATE shop.products SET title = title || ' (new edition)' WHERE sku = 'sku-07'",
            "DELETE FROM shop.order_items WHERE id % 3 = 0 AND order_id % 4 = 0",
            "DELETE FROM shop.orders WHERE id > 490",
            "DELETE FROM shop.customers WHERE id > 200");

    private static void execute(Connection connection, List<String> statements) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    /** Waits up to two minutes for every table's document count to reach its row count; prints the table. */
    private static boolean report(Connection connection, String elasticsearchUrl) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Map<String, long[]> counts = new LinkedHashMap<>();
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        boolean equal;
        do {
            equal = true;
            for (String table : TABLES) {
                long rows = rowCount(connection, table);
                long documents = documentCount(http, elasticsearchUrl, table);
                counts.put(table, new long[] {rows, documents});
                equal &= rows == documents;
            }
            if (!equal) {
                Thread.sleep(1_000);
            }
        } while (!equal && System.nanoTime() < deadline);
        System.out.printf("%-20s %10s %14s%n", "table / index", "PG rows", "ES documents");
        counts.forEach((table, pair) -> System.out.printf("%-20s %10d %14d%s%n", table, pair[0], pair[1],
                pair[0] == pair[1] ? "" : "   <- still catching up"));
        return equal;
    }

    static long rowCount(Connection connection, String table) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT count(*) FROM " + table)) {
            result.next();
            return result.getLong(1);
        }
    }

    /** Documents searchable in {@code index} (an index or alias) after a refresh; 0 when it does not exist. */
    static long documentCount(HttpClient http, String elasticsearchUrl, String index) throws Exception {
        return count(http, elasticsearchUrl, index, null);
    }

    /** Documents of {@code index} matching {@code query} (a query DSL object, or null for all) after a refresh. */
    static long count(HttpClient http, String elasticsearchUrl, String index, String query) throws Exception {
        http.send(HttpRequest.newBuilder(URI.create(elasticsearchUrl + "/" + index + "/_refresh"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(elasticsearchUrl + "/" + index + "/_count"));
        if (query != null) {
            request.header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"query\":" + query + "}"));
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        Matcher count = COUNT.matcher(response.body());
        return response.statusCode() == 200 && count.find() ? Long.parseLong(count.group(1)) : 0;
    }
}
