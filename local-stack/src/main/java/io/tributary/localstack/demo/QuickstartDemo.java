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
 * The quickstart's demo workload: {@code schema} creates three shop tables, {@code write} inserts, updates and
 * deletes rows in them, {@code report} waits until Elasticsearch holds as many documents per table as PostgreSQL
 * has rows and prints both counts. Run by {@code scripts/quickstart.sh}:
 * {@code java -cp local-stack.jar io.tributary.localstack.demo.QuickstartDemo schema|write|report JDBC_URL ES_URL}.
 */
public final class QuickstartDemo {

    /** The demo tables, as the producer's configuration names them. */
    static final List<String> TABLES = List.of("shop.customers", "shop.orders", "shop.order_lines");
    private static final Pattern COUNT = Pattern.compile("\"count\"\\s*:\\s*(\\d+)");

    private QuickstartDemo() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: QuickstartDemo schema|write|report JDBC_URL [ES_URL]");
            System.exit(2);
        }
        try (Connection connection = DriverManager.getConnection(args[1], "postgres", "postgres")) {
            switch (args[0]) {
                case "schema" -> execute(connection, SCHEMA);
                case "write" -> execute(connection, WORKLOAD);
                case "report" -> System.exit(report(connection, args[2]) ? 0 : 1);
                default -> {
                    System.err.println("unknown step '" + args[0] + "'");
                    System.exit(2);
                }
            }
        }
    }

    private static final List<String> SCHEMA = List.of(
            "CREATE SCHEMA IF NOT EXISTS shop",
            "CREATE TABLE IF NOT EXISTS shop.customers (id int PRIMARY KEY, name text NOT NULL, email text,"
                    + " vip boolean NOT NULL DEFAULT false, signed_up timestamptz NOT NULL DEFAULT now())",
            "CREATE TABLE IF NOT EXISTS shop.orders (id bigint PRIMARY KEY, customer_id int NOT NULL,"
                    + " total numeric(12,2) NOT NULL, status text NOT NULL, details jsonb)",
            "CREATE TABLE IF NOT EXISTS shop.order_lines (order_id bigint, line int, product text NOT NULL,"
                    + " qty int NOT NULL, PRIMARY KEY (order_id, line))");

    private static final List<String> WORKLOAD = List.of(
            "INSERT INTO shop.customers (id, name, email, vip) SELECT g, 'Customer ' || g, 'c' || g || '@example.com',"
                    + " g % 10 = 0 FROM generate_series(1, 200) g ON CONFLICT DO NOTHING",
            "INSERT INTO shop.orders SELECT g, 1 + g % 200, round((g * 7.35)::numeric, 2), 'new',"
                    + " jsonb_build_object('channel', CASE WHEN g % 2 = 0 THEN 'web' ELSE 'store' END)"
                    + " FROM generate_series(1, 500) g ON CONFLICT DO NOTHING",
            "INSERT INTO shop.order_lines SELECT o, l, 'product-' || (o * l % 37), 1 + (o + l) % 5"
                    + " FROM generate_series(1, 500) o, generate_series(1, 3) l ON CONFLICT DO NOTHING",
            "UPDATE shop.orders SET status = 'shipped' WHERE id % 3 = 0",
            "UPDATE shop.customers SET vip = true, name = name || ' (VIP)' WHERE id % 25 = 0",
            "DELETE FROM shop.order_lines WHERE line = 3 AND order_id % 4 = 0",
            "DELETE FROM shop.customers WHERE id > 190");

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

    private static long rowCount(Connection connection, String table) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT count(*) FROM " + table)) {
            result.next();
            return result.getLong(1);
        }
    }

    private static long documentCount(HttpClient http, String elasticsearchUrl, String index) throws Exception {
        http.send(HttpRequest.newBuilder(URI.create(elasticsearchUrl + "/" + index + "/_refresh"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create(elasticsearchUrl + "/" + index + "/_count")).build(), HttpResponse.BodyHandlers.ofString());
        Matcher count = COUNT.matcher(response.body());
        return response.statusCode() == 200 && count.find() ? Long.parseLong(count.group(1)) : 0;
    }
}
