package io.tributary.localstack.demo;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The quickstart's joined document: waits until the subscriber's {@code orders} documents are built and caught up,
 * changes three tables of one order in one transaction (renames its customer, moves an item of another order into
 * it, tags it), waits until a search on the alias {@code orders} finds the document with all three, and prints the
 * document and the row and document counts. The subscriber configuration scripts/quickstart.sh writes defines the
 * document type (root shop.orders; customer, items with their product, tags through shop.order_tags).
 */
final class OrdersDocumentDemo {

    /** The document type, as the subscriber's configuration names it: the alias searched. */
    private static final String DOCUMENT = "orders";
    private static final String ROOT = "shop.orders";
    private static final long ORDER = 42;
    private static final long OTHER_ORDER = 41;
    private static final String NEW_NAME = "Ada Lovelace";
    private static final String NEW_CITY = "London";
    private static final String TAG = "gift";
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration CHANGE_TIMEOUT = Duration.ofMinutes(1);
    private static final Pattern BUILT = Pattern.compile("\"tributary_built\"\\s*:\\s*\"([^\"]*)\"");

    private OrdersDocumentDemo() {
    }

    /** @return false when Elasticsearch did not show the documents or the change in time (said on {@code out}) */
    static boolean show(Connection connection, String elasticsearchUrl, PrintStream out) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        long start = System.nanoTime();
        long deadline = start + BUILD_TIMEOUT.toNanos();
        Optional<String> built = builtFor(http, elasticsearchUrl);
        while (!(built.isPresent() && countsAgree(connection, http, elasticsearchUrl))) {
            if (System.nanoTime() > deadline) {
                out.printf("The %s documents were not built and caught up within %d s (built for: %s); %s%n", DOCUMENT,
                        BUILD_TIMEOUT.toSeconds(), built.orElse("not yet"), counts(connection, http, elasticsearchUrl));
                return false;
            }
            Thread.sleep(500);
            built = builtFor(http, elasticsearchUrl);
        }
        out.printf("Joined documents %s, one per row of %s with its customer, its items and their product, its tags:%n"
                + "built for configuration %s, caught up after %.1f s.%n", DOCUMENT, ROOT, built.get(), seconds(start));

        Change change = change(connection);
        out.printf("Changed in one transaction: customer %d renamed \"%s\" of %s (the documents of its %d orders"
                        + " follow),%nitem %d moved from order %d to order %d, order %d tagged \"%s\".%n",
                change.customer(), NEW_NAME, NEW_CITY, change.customerOrders(), change.item(), OTHER_ORDER, ORDER,
                ORDER, TAG);
        long changed = System.nanoTime();
        deadline = changed + CHANGE_TIMEOUT.toNanos();
        while (!(QuickstartDemo.count(http, elasticsearchUrl, DOCUMENT, orderWithChange(change.item())) == 1
                && QuickstartDemo.count(http, elasticsearchUrl, DOCUMENT, otherOrderWithout(change.item())) == 1)) {
            if (System.nanoTime() > deadline) {
                out.printf("Elasticsearch did not show the change within %d s:%n%s%n", CHANGE_TIMEOUT.toSeconds(),
                        document(http, elasticsearchUrl, ORDER));
                return false;
            }
            Thread.sleep(200);
        }
        out.printf("Elasticsearch showed it after %.1f s: searching the alias %s finds order %d with customer.name"
                        + " \"%s\",%nitem %d and tag \"%s\", and order %d without item %d.%n%n",
                seconds(changed), DOCUMENT, ORDER, NEW_NAME, change.item(), TAG, OTHER_ORDER, change.item());
        out.printf("GET %s/_source/%d?pretty%n%s%n%n", DOCUMENT, ORDER, document(http, elasticsearchUrl, ORDER).strip());
        out.println(counts(connection, http, elasticsearchUrl));
        return true;
    }

    /** The configuration fingerprint the document index was fully built for; empty before, or when rebuilding. */
    private static Optional<String> builtFor(HttpClient http, String elasticsearchUrl) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create(elasticsearchUrl + "/" + DOCUMENT + "/_mapping")).build(), HttpResponse.BodyHandlers.ofString());
        Matcher built = BUILT.matcher(response.body());
        return response.statusCode() == 200 && built.find() && !built.group(1).equals("requested")
                ? Optional.of(built.group(1)) : Optional.empty();
    }

    private static boolean countsAgree(Connection connection, HttpClient http, String elasticsearchUrl)
            throws Exception {
        return QuickstartDemo.rowCount(connection, ROOT) == QuickstartDemo.documentCount(http, elasticsearchUrl, DOCUMENT);
    }

    private static String counts(Connection connection, HttpClient http, String elasticsearchUrl) throws Exception {
        return String.format("rows in %s: %d   documents in %s: %d", ROOT, QuickstartDemo.rowCount(connection, ROOT),
                DOCUMENT, QuickstartDemo.documentCount(http, elasticsearchUrl, DOCUMENT));
    }

    /** What {@link #change} did: the renamed customer, how many orders it has, the item moved. */
    private record Change(int customer, long customerOrders, long item) {
    }

    /** Renames the order's customer, moves the first item of the other order into it and tags it, in one commit. */
    private static Change change(Connection connection) throws SQLException {
        connection.setAutoCommit(false);
        try {
            int customer = (int) single(connection, "UPDATE shop.customers SET name = ?, city = ?"
                    + " WHERE id = (SELECT customer_id FROM shop.orders WHERE id = ?) RETURNING id",
                    NEW_NAME, NEW_CITY, ORDER);
            long customerOrders = single(connection, "SELECT count(*) FROM shop.orders WHERE customer_id = ?",
                    customer);
            long item = single(connection, "UPDATE shop.order_items SET order_id = ? WHERE id ="
                    + " (SELECT min(id) FROM shop.order_items WHERE order_id = ?) RETURNING id", ORDER, OTHER_ORDER);
            try (PreparedStatement tag = connection.prepareStatement("INSERT INTO shop.order_tags"
                    + " SELECT ?, id FROM shop.tags WHERE label = ? ON CONFLICT DO NOTHING")) {
                tag.setLong(1, ORDER);
                tag.setString(2, TAG);
                tag.executeUpdate();
            }
            connection.commit();
            return new Change(customer, customerOrders, item);
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /** Runs {@code sql} with {@code parameters}; its first row's first column (a number). */
    private static long single(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (ResultSet result = statement.executeQuery()) {
                if (!result.next()) {
                    throw new IllegalStateException("no row from: " + sql);
                }
                return result.getLong(1);
            }
        }
    }

    /** Order {@link #ORDER} with the renamed customer, the moved item and the tag. */
    private static String orderWithChange(long item) {
        return """
                {"bool":{"filter":[{"term":{"id":%d}},{"match_phrase":{"customer.name":"%s"}},
                  {"nested":{"path":"items","query":{"term":{"items.id":%d}}}},
                  {"nested":{"path":"tags","query":{"match_phrase":{"tags.label":"%s"}}}}]}}"""
                .formatted(ORDER, NEW_NAME, item, TAG);
    }

    /** Order {@link #OTHER_ORDER} without the moved item. */
    private static String otherOrderWithout(long item) {
        return """
                {"bool":{"filter":[{"term":{"id":%d}}],
                  "must_not":[{"nested":{"path":"items","query":{"term":{"items.id":%d}}}}]}}"""
                .formatted(OTHER_ORDER, item);
    }

    private static String document(HttpClient http, String elasticsearchUrl, long id) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(elasticsearchUrl + "/" + DOCUMENT + "/_source/" + id
                + "?pretty")).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
