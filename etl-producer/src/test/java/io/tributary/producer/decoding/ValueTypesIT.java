package io.tributary.producer.decoding;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.tributary.localstack.LocalStackExtension;
import io.tributary.localstack.RunningPostgres;
import io.tributary.model.ChangeEvent;
import io.tributary.model.ChangeRecord;
import io.tributary.model.Lsn;
import io.tributary.shaping.BuiltinTypes;
import io.tributary.shaping.IntervalValues;
import io.tributary.shaping.NumericMode;
import io.tributary.shaping.PgType;
import io.tributary.shaping.PgTypes;
import io.tributary.shaping.ValueConverter;
import io.tributary.shaping.source.PostgresEndpoint;
import io.tributary.shaping.source.TypeCatalogLoader;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;

/**
 * Every supported type through the real path: rows written to a real PostgreSQL, read back as pgoutput bytes from a
 * logical slot, decoded by {@link PgOutputDecoder}, assembled by {@link ChangeAssembler} with a {@link ValueConverter}
 * over the catalog {@link TypeCatalogLoader} loaded. {@code pg_logical_slot_get_binary_changes} renders the values in
 * this test's session, which is set up like the producer's replication session.
 */
@ExtendWith(LocalStackExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ValueTypesIT {

    private static final AtomicInteger RUN = new AtomicInteger();
    private static final String SESSION_SETTINGS = "SET DateStyle=ISO; SET TimeZone='UTC'; SET extra_float_digits=3;"
            + " SET bytea_output=hex; SET IntervalStyle=postgres";

    /**
     * A column of {@code type} holding {@code literal} (SQL); {@code expectedJson} null means "the text PostgreSQL
     * prints for it, as a JSON string" (for {@code money}, whose text depends on {@code lc_monetary}).
     */
    private record Case(String type, String literal, String expectedJson) {
    }

    private static final List<Case> CASES = List.of(
            new Case("smallint", "-32768", "-32768"),
            new Case("smallint", "32767", "32767"),
            new Case("integer", "-2147483648", "-2147483648"),
            new Case("integer", "2147483647", "2147483647"),
            new Case("bigint", "-9223372036854775808", "-9223372036854775808"),
            new Case("bigint", "9223372036854775807", "9223372036854775807"),
            new Case("oid", "4294967295", "4294967295"),
            new Case("numeric", "123456789012345678901234567890.000000000000000000001",
                    "\"123456789012345678901234567890.000000000000000000001\""),
            new Case("numeric(10,2)", "12.5", "\"12.50\""),
            new Case("numeric", "'NaN'", "\"NaN\""),
            new Case("numeric", "'-Infinity'", "\"-Infinity\""),
            new Case("real", "1.1", "1.1"),
            new Case("real", "'-Infinity'", "\"-Infinity\""),
            new Case("double precision", "0.1", "0.1"),
            new Case("double precision", "1.7976931348623157e308", "1.7976931348623157E+308"),
            new Case("double precision", "'NaN'", "\"NaN\""),
            new Case("double precision", "'-0'", "-0.0"),
            new Case("boolean", "true", "true"),
            new Case("boolean", "false", "false"),
            new Case("text", "''", "\"\""),
            new Case("text", "E'quote \" apostrophe '' backslash \\\\ ünïcødé 🚀'",
                    "\"quote \\\" apostrophe ' backslash \\\\ ünïcødé 🚀\""),
            new Case("varchar(20)", "'a,b {c} NULL'", "\"a,b {c} NULL\""),
            new Case("char(5)", "'ab'", "\"ab   \""),
            new Case("name", "'pg_catalog'", "\"pg_catalog\""),
            new Case("\"char\"", "'x'", "\"x\""),
            new Case("uuid", "'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'", "\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\""),
            new Case("date", "'2026-11-22'", "\"2026-11-22\""),
            new Case("date", "'0044-03-15 BC'", "\"0044-03-15 BC\""),
            new Case("date", "'infinity'", "\"infinity\""),
            new Case("time", "'24:00:00'", "\"24:00:00\""),
            new Case("time", "'13:45:00.5'", "\"13:45:00.5\""),
            new Case("timetz", "'12:00:00.25+05:30'", "\"12:00:00.25+05:30\""),
            new Case("timetz", "'12:00:00-03:30:15'", "\"12:00:00-03:30:15\""),
            new Case("timetz", "'12:00:00 UTC'", "\"12:00:00Z\""),
            new Case("timestamp", "'2026-11-22 06:00:01.000001'", "\"2026-11-22T06:00:01.000001\""),
            new Case("timestamp", "'2026-11-22 06:00'", "\"2026-11-22T06:00:00\""),
            new Case("timestamp", "'0044-03-15 10:00:00 BC'", "\"0044-03-15 10:00:00 BC\""),
            new Case("timestamptz", "'2026-11-22 08:00:00.123456+05:30'", "\"2026-11-22T02:30:00.123456Z\""),
            new Case("timestamptz", "'-infinity'", "\"-infinity\""),
            new Case("interval", "'1 year 2 months -3 days -04:05:06.789'", "\"P1Y2M-3DT-4H-5M-6.789S\""),
            new Case("interval", "'-1.5 seconds'", "\"PT-1.5S\""),
            new Case("interval", "'0'", "\"PT0S\""),
            new Case("json", "'{\"b\": 1, \"a\": [1.50, 12345678901234567890123, null]}'",
                    "{\"b\":1,\"a\":[1.50,12345678901234567890123,null]}"),
            new Case("jsonb", "'{\"b\": \"x\", \"a\": 2.50}'", "{\"a\":2.50,\"b\":\"x\"}"),
            new Case("bytea", "'\\xdeadbeef'", "\"3q2+7w==\""),
            new Case("bytea", "''", "\"\""),
            new Case("inet", "'192.168.0.1/24'", "\"192.168.0.1/24\""),
            new Case("cidr", "'10.0.0.0/8'", "\"10.0.0.0/8\""),
            new Case("macaddr", "'08:00:2B:01:02:03'", "\"08:00:2b:01:02:03\""),
            new Case("macaddr8", "'08:00:2b:01:02:03:04:05'", "\"08:00:2b:01:02:03:04:05\""),
            new Case("money", "1234.56", null),
            new Case("bit(4)", "B'0101'", "\"0101\""),
            new Case("varbit", "B''", "\"\""),
            new Case("point", "'(1,2)'", "\"(1,2)\""),
            new Case("mood", "'very sad'", "\"very sad\""),
            new Case("positive_int", "42", "42"),
            new Case("int_pair", "'{1,2}'", "[1,2]"),
            new Case("integer[]", "'{1,2,NULL}'", "[1,2,null]"),
            new Case("integer[]", "'{}'", "[]"),
            new Case("integer[]", "'{{1,2},{3,4}}'", "[[1,2],[3,4]]"),
            new Case("integer[]", "'[0:1]={7,8}'", "[7,8]"),
            new Case("text[]", "ARRAY['a,b', '{x}', '\"q\"', 'back\\slash', 'NULL', NULL, '', ' sp ', 'ünï']",
                    "[\"a,b\",\"{x}\",\"\\\"q\\\"\",\"back\\\\slash\",\"NULL\",null,\"\",\" sp \",\"ünï\"]"),
            new Case("box[]", "ARRAY['(1,2),(3,4)'::box, '(0,0),(1,1)']", "[\"(3,4),(1,2)\",\"(1,1),(0,0)\"]"),
            new Case("jsonb[]", "ARRAY['{\"a\": 1}'::jsonb, '[1, 2]', NULL]", "[{\"a\":1},[1,2],null]"),
            new Case("numeric[]", "'{1.50,NaN}'", "[\"1.50\",\"NaN\"]"),
            new Case("double precision[]", "'{1.5,Infinity,-0}'", "[1.5,\"Infinity\",-0.0]"),
            new Case("boolean[]", "'{t,f,NULL}'", "[true,false,null]"),
            new Case("timestamptz[]", "ARRAY['2026-01-01 10:00:00+00'::timestamptz, 'infinity']",
                    "[\"2026-01-01T10:00:00Z\",\"infinity\"]"),
            new Case("date[]", "ARRAY['0044-03-15 BC'::date, '2026-01-01']", "[\"0044-03-15 BC\",\"2026-01-01\"]"),
            new Case("interval[]", "ARRAY['1 day'::interval, '-1 sec']", "[\"P1D\",\"PT-1S\"]"),
            new Case("bytea[]", "ARRAY['\\xdeadbeef'::bytea, '']", "[\"3q2+7w==\",\"\"]"),
            new Case("uuid[]", "ARRAY['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid]",
                    "[\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\"]"),
            new Case("inet[]", "ARRAY['10.0.0.1'::inet, '::1/64']", "[\"10.0.0.1\",\"::1/64\"]"),
            new Case("mood[]", "'{happy,\"very sad\",NULL}'", "[\"happy\",\"very sad\",null]"),
            new Case("positive_int[]", "ARRAY[1, 2]", "[1,2]"));

    /** hstore is an extension, tested only when the server has it. */
    private static final List<Case> HSTORE_CASES = List.of(
            new Case("hstore", "'\"a\"=>\"1\", \"b\\\"c\"=>NULL, \"\"=>\"x\\\\y\", \"NULL\"=>\"NULL\"'",
                    "{\"\":\"x\\\\y\",\"a\":\"1\",\"b\\\"c\":null,\"NULL\":\"NULL\"}"),
            new Case("hstore", "''", "{}"),
            new Case("hstore[]", "ARRAY['\"k\"=>\"v\"'::hstore, NULL]", "[{\"k\":\"v\"},null]"));

    private final RunningPostgres postgres;
    private PostgresEndpoint endpoint;
    private Connection connection;
    private String slot;

    ValueTypesIT(RunningPostgres postgres) {
        this.postgres = postgres;
    }

    @BeforeEach
    void freshDatabase() throws SQLException {
        String database = "value_types_it_" + RUN.incrementAndGet() + "_" + System.nanoTime() % 100_000;
        postgres.createDatabase(database);
        endpoint = new PostgresEndpoint(postgres.jdbcUrl(database), postgres.user(), postgres.password());
        connection = DriverManager.getConnection(endpoint.url(), endpoint.user(), endpoint.password().reveal());
        execute(SESSION_SETTINGS,
                "CREATE TYPE mood AS ENUM ('happy', 'very sad')",
                "CREATE DOMAIN positive_int AS integer CHECK (VALUE > 0)",
                "CREATE DOMAIN int_pair AS integer[] CHECK (cardinality(VALUE) = 2)");
        slot = "slot_" + database;
    }

    @AfterEach
    void dropSlotAndClose() throws SQLException {
        try (Connection open = connection;
             PreparedStatement drop = open.prepareStatement(
                     "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ?")) {
            drop.setString(1, slot);
            drop.executeQuery().close();
        }
    }

    /** Numeric infinities came with PostgreSQL 14: older majors get the other cases. */
    @Test
    void everyTypeArrivesThroughPgoutputAsItsJsonValue() throws SQLException {
        assertArriveThroughPgoutputAsJson(postgres.majorVersion() >= 14 ? CASES : CASES.stream()
                .filter(c -> !(c.type().equals("numeric") && c.literal().contains("Infinity"))).toList());
    }

    @Test
    void hstoreArrivesAsAnObjectOfStringsAndNulls() throws SQLException {
        Assumptions.assumeTrue(hstoreAvailable(), "this PostgreSQL build has no hstore extension");
        execute("CREATE EXTENSION hstore");
        assertArriveThroughPgoutputAsJson(HSTORE_CASES);
    }

    /** One column per case; a row with the literals and a row of NULLs, through the slot. */
    private void assertArriveThroughPgoutputAsJson(List<Case> cases) throws SQLException {
        String columns = IntStream.range(0, cases.size())
                .mapToObj(i -> ", c" + i + " " + cases.get(i).type()).collect(Collectors.joining());
        String values = cases.stream().map(Case::literal).collect(Collectors.joining(", "));
        execute("CREATE TABLE all_types (id integer PRIMARY KEY" + columns + ")",
                "CREATE PUBLICATION pub FOR TABLE all_types",
                "SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')",
                "INSERT INTO all_types VALUES (1, " + values + ")",
                "INSERT INTO all_types (id) VALUES (2)");

        PgTypes types = new TypeCatalogLoader(endpoint).loadTypes();
        List<ChangeEvent> events = changesInSlot(new ValueConverter(types, NumericMode.STRING));

        assertEquals(2, events.size(), "one insert event per row");
        JsonNode row = events.get(0).after();
        JsonNode nulls = events.get(1).after();
        List<Executable> checks = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            String column = "c" + i;
            String expected = c.expectedJson() != null ? c.expectedJson() : printedAsJsonString(c);
            checks.add(() -> assertEquals(expected, String.valueOf(row.get(column)), column + " " + c));
            checks.add(() -> assertTrue(nulls.path(column).isNull(), column + " NULL is JSON null: " + c));
        }
        assertAll(checks);
    }

    @Test
    void numericModeNumberGivesExactNumbersThroughPgoutput() throws SQLException {
        execute("CREATE TABLE amounts (id integer PRIMARY KEY, amount numeric, amounts numeric[])",
                "CREATE PUBLICATION pub FOR TABLE amounts",
                "SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')",
                "INSERT INTO amounts VALUES (1, 123456789012345678901234567890.10, '{0.0010,NaN}')");

        List<ChangeEvent> events = changesInSlot(
                new ValueConverter(new TypeCatalogLoader(endpoint).loadTypes(), NumericMode.NUMBER));

        assertEquals("{\"id\":1,\"amount\":123456789012345678901234567890.10,\"amounts\":[0.0010,\"NaN\"]}",
                events.get(0).after().toString());
    }

    /** The largest intervals parse from PostgreSQL 15 on (14 and older find a field out of range). */
    @Test
    void intervalsMatchPostgresqlsOwnIso8601Form() throws SQLException {
        List<String> literals = Stream.of("0", "1 microsecond", "-1 microsecond", "1 year", "-1 year", "13 months",
                "-13 months", "1 year -1 month", "40 days", "-40 days 40 hours", "1 day -00:00:00.000001",
                "100 hours 59 minutes 59.999999 seconds", "-100 hours -0.5 seconds", "1 mon -1 day +1 hour",
                "178956970 years 7 months 2147483646 days 2562047788 hours 54.775807 seconds",
                "-178956970 years -7 months -2147483646 days -2562047788 hours -54.775807 seconds")
                .filter(literal -> postgres.majorVersion() >= 15 || !literal.contains("178956970")).toList();
        Map<String, String> postgresStyle = render(literals, "postgres");
        Map<String, String> isoStyle = render(literals, "iso_8601");

        assertAll(literals.stream().map(literal -> () -> assertEquals(isoStyle.get(literal),
                IntervalValues.toIso8601(postgresStyle.get(literal)), literal + " = " + postgresStyle.get(literal))));
    }

    /** Before PostgreSQL 15, "char" was in category S (string), not Z (internal); nothing reads the category. */
    @Test
    void builtInTypesMatchTheDatabaseCatalog() throws SQLException {
        Map<Integer, PgType> catalog = new TypeCatalogLoader(endpoint).load().stream()
                .collect(Collectors.toMap(PgType::oid, Function.identity()));

        assertAll(BuiltinTypes.ALL.stream().map(builtIn -> () -> assertEquals(
                builtIn.name().equals("char") && postgres.majorVersion() < 15
                        ? new PgType(builtIn.oid(), builtIn.name(), builtIn.namespace(), builtIn.kind(), 'S',
                                builtIn.elementOid(), builtIn.baseTypeOid(), builtIn.delimiter())
                        : builtIn,
                catalog.get(builtIn.oid()))));
    }

    @Test
    void aTypeCreatedAfterTheCatalogWasLoadedIsFoundByReloadingIt() throws SQLException {
        ValueConverter converter = new ValueConverter(new TypeCatalogLoader(endpoint).loadTypes(), NumericMode.STRING);
        execute("CREATE DOMAIN late_domain AS bigint", "CREATE TYPE late_enum AS ENUM ('x')");

        assertEquals("5", converter.convert(oidOf("late_domain"), "5").toString());
        assertEquals("[\"x\",null]", converter.convert(oidOf("late_enum[]"), "{x,NULL}").toString());
    }

    /** Reads and consumes every change in the slot, decoded and assembled like the producer does. */
    private List<ChangeEvent> changesInSlot(ValueConverter converter) throws SQLException {
        PgOutputDecoder decoder = new PgOutputDecoder();
        ChangeAssembler assembler = new ChangeAssembler("it", converter);
        List<ChangeEvent> events = new ArrayList<>();
        try (PreparedStatement changes = connection.prepareStatement("SELECT lsn::text, data FROM"
                + " pg_logical_slot_get_binary_changes(?, NULL, NULL, 'proto_version', '1', 'publication_names', 'pub')")) {
            changes.setString(1, slot);
            try (ResultSet result = changes.executeQuery()) {
                while (result.next()) {
                    Lsn lsn = Lsn.parse(result.getString(1));
                    for (ChangeRecord record : assembler.accept(
                            decoder.decode(ByteBuffer.wrap(result.getBytes(2)), lsn), lsn)) {
                        // Every type as PostgreSQL prints it: the streamed event is the tree form's, byte for byte.
                        ChangeAssemblerTest.assertStreamedAsItsTree(record);
                        events.add(record.toEvent());
                    }
                }
            }
        }
        return events;
    }

    private boolean hstoreAvailable() throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT 1 FROM pg_available_extensions WHERE name = 'hstore'")) {
            return result.next();
        }
    }

    /** Each literal's text under the given IntervalStyle. */
    private Map<String, String> render(List<String> literals, String intervalStyle) throws SQLException {
        execute("SET IntervalStyle = " + intervalStyle);
        try (PreparedStatement select = connection.prepareStatement("SELECT ?::interval::text")) {
            Map<String, String> texts = new HashMap<>();
            for (String literal : literals) {
                select.setString(1, literal);
                try (ResultSet result = select.executeQuery()) {
                    result.next();
                    texts.put(literal, result.getString(1));
                }
            }
            return texts;
        } finally {
            execute("SET IntervalStyle = postgres");
        }
    }

    private String printedAsJsonString(Case c) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT (" + c.literal() + ")::" + c.type() + "::text")) {
            result.next();
            return TextNode.valueOf(result.getString(1)).toString();
        }
    }

    private int oidOf(String type) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT ?::regtype::oid")) {
            query.setString(1, type);
            try (ResultSet result = query.executeQuery()) {
                result.next();
                return (int) result.getLong(1);
            }
        }
    }

    private void execute(String... statements) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }
}
