package io.tributary.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/**
 * The joined-documents benchmark's shop in schema {@value #SCHEMA}, at a scale of the sizes (scale 1: 1,000,000
 * orders, 3,000,000 order items, 100,000 customers, 10,000 products): {@code customers} (id, name, email, city),
 * {@code products} (sku text key, title, category), {@code orders} (id, customer_id, status, {@code numeric} total,
 * {@code timestamptz} created_at in whole seconds, {@code jsonb} attributes, {@code text[]} labels) and
 * {@code order_items} (id, order_id, sku, {@code int} qty, {@code numeric} price), with the indexes a shop has on the
 * join columns. Filled on the server with {@code generate_series}; every value is a function of the row's key.
 *
 * <p>Layout: order {@code g} has {@code 1 + g % 5} items (3 on average) with ids {@code 5g … 5g + 4}; every tenth
 * order ({@code g % 10 = 0}) belongs to the {@linkplain #HOT_CUSTOMER hot customer} (100,000 orders at scale 1, spread
 * over the whole table as a big customer's orders are), the others to the rest of the customers. Orders with
 * {@code g % 10 = 5} are the {@linkplain #isProbeOrder probe orders}: the steady-state workload updates only the other
 * orders' items, so a probe value it writes stays until the document shows it.
 */
final class ShopTables {

    static final String SCHEMA = "shop";
    static final String PUBLICATION = "bench_documents";
    static final List<String> TABLES = List.of("shop.customers", "shop.products", "shop.orders", "shop.order_items");
    /** The customer whose rename fans out to a tenth of the orders. */
    static final long HOT_CUSTOMER = 1;

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final long orders;
    private final long customers;
    private final long products;

    /** @param scale of the sizes; the orders are rounded to a multiple of 10 (at least 10) */
    ShopTables(String jdbcUrl, String user, String password, double scale) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.orders = Math.max(10, Math.round(1_000_000 * scale / 10) * 10);
        this.customers = Math.max(10, Math.round(100_000 * scale));
        this.products = Math.max(10, Math.round(10_000 * scale));
    }

    long orders() {
        return orders;
    }

    /** Items: {@code 1 + g % 5} for each order g, 3 per order on average, exactly 3 per order over 5 orders. */
    long items() {
        return orders * 3;
    }

    long customers() {
        return customers;
    }

    long products() {
        return products;
    }

    /** The hot customer's orders: every tenth. */
    long hotOrders() {
        return orders / 10;
    }

    static boolean isProbeOrder(long order) {
        return order % 10 == 5;
    }

    /** The items of order {@code order}: ids {@code 5·order} up to {@code 5·order + order % 5}. */
    static int itemsOf(long order) {
        return 1 + (int) (order % 5);
    }

    static long itemId(long order, int index) {
        return order * 5 + index;
    }

    /**
     * Creates and fills the tables (autovacuum off, so that it competes with nothing measured), adds keys and
     * indexes, freezes and analyses them, and creates the publication the producer streams. Returns how long that
     * took (not part of any measurement).
     */
    Duration createAndFill() throws SQLException {
        long started = System.nanoTime();
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + SCHEMA);
            String options = " WITH (autovacuum_enabled = false)";
            statement.execute("CREATE TABLE shop.customers (id bigint NOT NULL, name text NOT NULL,"
                    + " email text NOT NULL, city text NOT NULL)" + options);
            statement.execute("CREATE TABLE shop.products (sku text NOT NULL, title text NOT NULL,"
                    + " category text NOT NULL)" + options);
            statement.execute("CREATE TABLE shop.orders (id bigint NOT NULL, customer_id bigint NOT NULL,"
                    + " status text NOT NULL, total numeric(12,2) NOT NULL, created_at timestamptz NOT NULL,"
                    + " attributes jsonb NOT NULL, labels text[] NOT NULL)" + options);
            statement.execute("CREATE TABLE shop.order_items (id bigint NOT NULL, order_id bigint NOT NULL,"
                    + " sku text NOT NULL, qty int NOT NULL, price numeric(10,2) NOT NULL)" + options);
            insert(statement, "shop.customers", customers, "INSERT INTO shop.customers SELECT g, 'Customer ' || g,"
                    + " 'customer' || g || '@example.com', (ARRAY['London', 'Paris', 'Berlin', 'Madrid', 'Rome',"
                    + " 'Vienna', 'Prague', 'Warsaw', 'Lisbon', 'Dublin', 'Oslo', 'Helsinki', 'Stockholm',"
                    + " 'Copenhagen', 'Amsterdam', 'Brussels', 'Zurich', 'Athens', 'Budapest', 'Tallinn'])[1 + g % 20]"
                    + " FROM generate_series(1::bigint, " + customers + ") g");
            insert(statement, "shop.products", products, "INSERT INTO shop.products SELECT " + sku("g") + ","
                    + " 'Product ' || g || ' ' || substr(md5(g::text), 1, 12), (ARRAY['tools', 'garden', 'kitchen',"
                    + " 'office', 'toys', 'books', 'sports', 'music'])[1 + g % 8]"
                    + " FROM generate_series(0::bigint, " + (products - 1) + ") g");
            insert(statement, "shop.orders", orders, "INSERT INTO shop.orders SELECT g,"
                    + " CASE WHEN g % 10 = 0 THEN " + HOT_CUSTOMER + " ELSE 2 + (g * 7919) % " + (customers - 1)
                    + " END, (ARRAY['new', 'paid', 'shipped', 'delivered', 'cancelled'])[1 + g % 5],"
                    + " ((g * 37) % 100000) / 100.0 + 5, timestamptz '2024-01-01 00:00:00+00' + g * interval '17 s',"
                    + " jsonb_build_object('channel', (ARRAY['web', 'app', 'phone'])[1 + g % 3], 'gift', g % 7 = 0,"
                    + " 'score', g % 1000, 'coupon', CASE WHEN g % 4 = 0 THEN 'SAVE' || g % 50 END),"
                    + " ARRAY['l' || g % 7, 'm' || g % 3] FROM generate_series(1::bigint, " + orders + ") g");
            insert(statement, "shop.order_items", items(), "INSERT INTO shop.order_items SELECT g * 5 + k, g, "
                    + sku("(g * 31 + k * 17) % " + products) + ", 1 + (g + k) % 9, ((g * (k + 1) * 13) % 5000) / 100.0"
                    + " + 1 FROM generate_series(1::bigint, " + orders + ") g, generate_series(0, (g % 5)::int) k");
            // Keys and indexes after the rows: building an index once is faster than maintaining it row by row.
            statement.execute("ALTER TABLE shop.customers ADD PRIMARY KEY (id)");
            statement.execute("ALTER TABLE shop.products ADD PRIMARY KEY (sku)");
            statement.execute("ALTER TABLE shop.orders ADD PRIMARY KEY (id)");
            statement.execute("ALTER TABLE shop.order_items ADD PRIMARY KEY (id)");
            statement.execute("CREATE INDEX ON shop.orders (customer_id)");
            statement.execute("CREATE INDEX ON shop.order_items (order_id)");
            statement.execute("CREATE INDEX ON shop.order_items (sku)");
            for (String table : TABLES) {
                statement.execute("VACUUM (FREEZE, ANALYZE) " + table);
            }
            statement.execute("CREATE PUBLICATION " + PUBLICATION + " FOR TABLE " + String.join(", ", TABLES));
        }
        return Duration.ofNanos(System.nanoTime() - started);
    }

    /**
     * Reads every table once (not timed), so that neither the subscriber's build nor the direct export pays for
     * bringing them into the operating system's cache.
     */
    void warmUp() throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            for (String table : TABLES) {
                statement.execute("SELECT count(*), sum(length(t::text)) FROM " + table + " t");
            }
        }
    }

    /** The tables' size on disk (heap, without indexes and TOAST), in bytes. */
    long heapBytes() throws SQLException {
        try (Connection connection = connect()) {
            return HeapSize.ofTables(connection, TABLES);
        }
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, user, password);
    }

    /** The sku of product number {@code number}: {@code SKU-000042}. */
    private static String sku(String number) {
        return "'SKU-' || lpad((" + number + ")::text, 6, '0')";
    }

    private static void insert(Statement statement, String table, long expected, String sql) throws SQLException {
        long inserted = statement.executeUpdate(sql);
        if (inserted != expected) {
            throw new IllegalStateException("filling " + table + " wrote " + inserted + " rows, not " + expected);
        }
    }
}
