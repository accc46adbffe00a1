package io.tributary.shaping;

import static io.tributary.shaping.BuiltinTypes.BOOL_ARRAY;
import static io.tributary.shaping.BuiltinTypes.BOX_ARRAY;
import static io.tributary.shaping.BuiltinTypes.BYTEA_ARRAY;
import static io.tributary.shaping.BuiltinTypes.DATE_ARRAY;
import static io.tributary.shaping.BuiltinTypes.FLOAT8_ARRAY;
import static io.tributary.shaping.BuiltinTypes.INET_ARRAY;
import static io.tributary.shaping.BuiltinTypes.INT4_ARRAY;
import static io.tributary.shaping.BuiltinTypes.INT8_ARRAY;
import static io.tributary.shaping.BuiltinTypes.INTERVAL_ARRAY;
import static io.tributary.shaping.BuiltinTypes.JSONB_ARRAY;
import static io.tributary.shaping.BuiltinTypes.NUMERIC_ARRAY;
import static io.tributary.shaping.BuiltinTypes.TEXT_ARRAY;
import static io.tributary.shaping.BuiltinTypes.TIMESTAMPTZ_ARRAY;
import static io.tributary.shaping.BuiltinTypes.UUID_ARRAY;
import static io.tributary.shaping.BuiltinTypes.VARCHAR_ARRAY;
import static io.tributary.shaping.ValueConverter.BIT;
import static io.tributary.shaping.ValueConverter.BOOL;
import static io.tributary.shaping.ValueConverter.BPCHAR;
import static io.tributary.shaping.ValueConverter.BYTEA;
import static io.tributary.shaping.ValueConverter.CHAR;
import static io.tributary.shaping.ValueConverter.CIDR;
import static io.tributary.shaping.ValueConverter.DATE;
import static io.tributary.shaping.ValueConverter.FLOAT4;
import static io.tributary.shaping.ValueConverter.FLOAT8;
import static io.tributary.shaping.ValueConverter.INET;
import static io.tributary.shaping.ValueConverter.INT2;
import static io.tributary.shaping.ValueConverter.INT4;
import static io.tributary.shaping.ValueConverter.INT8;
import static io.tributary.shaping.ValueConverter.INTERVAL;
import static io.tributary.shaping.ValueConverter.JSON;
import static io.tributary.shaping.ValueConverter.JSONB;
import static io.tributary.shaping.ValueConverter.MACADDR;
import static io.tributary.shaping.ValueConverter.MACADDR8;
import static io.tributary.shaping.ValueConverter.MONEY;
import static io.tributary.shaping.ValueConverter.NAME;
import static io.tributary.shaping.ValueConverter.NUMERIC;
import static io.tributary.shaping.ValueConverter.OID;
import static io.tributary.shaping.ValueConverter.TEXT;
import static io.tributary.shaping.ValueConverter.TIME;
import static io.tributary.shaping.ValueConverter.TIMESTAMP;
import static io.tributary.shaping.ValueConverter.TIMESTAMPTZ;
import static io.tributary.shaping.ValueConverter.TIMETZ;
import static io.tributary.shaping.ValueConverter.UUID;
import static io.tributary.shaping.ValueConverter.VARBIT;
import static io.tributary.shaping.ValueConverter.VARCHAR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every type's text form (as PostgreSQL prints it under the replication session's settings) to its JSON value. */
class ValueConverterTest {

    /** Types of one database: their OIDs are made up, as they differ from database to database. */
    static final int MOOD = 70_001;
    static final int MOOD_ARRAY = 70_002;
    static final int POSITIVE_INT = 70_003;
    static final int POSITIVE_INT_ARRAY = 70_004;
    static final int TAGS = 70_005;
    static final int HSTORE = 70_006;
    static final int HSTORE_ARRAY = 70_007;
    static final int UNKNOWN = 999_999;
    static final List<PgType> CATALOG = List.of(
            new PgType(MOOD, "mood", "public", 'e', 'E', 0, 0, ','),
            new PgType(MOOD_ARRAY, "_mood", "public", 'b', 'A', MOOD, 0, ','),
            new PgType(POSITIVE_INT, "positive_int", "public", 'd', 'N', 0, INT4, ','),
            new PgType(POSITIVE_INT_ARRAY, "_positive_int", "public", 'b', 'A', POSITIVE_INT, 0, ','),
            new PgType(TAGS, "tags", "app", 'd', 'A', 0, TEXT_ARRAY, ','),
            new PgType(HSTORE, "hstore", "extensions", 'b', 'U', 0, 0, ','),
            new PgType(HSTORE_ARRAY, "_hstore", "extensions", 'b', 'A', HSTORE, 0, ','));

    private final ValueConverter converter =
            new ValueConverter(PgTypes.fromCatalog(CATALOG, List::of), NumericMode.STRING);

    static Stream<Arguments> conversions() {
        return Stream.of(
                // integers and oid: JSON numbers, extremes included
                Arguments.of(INT2, "-32768", "-32768"),
                Arguments.of(INT2, "32767", "32767"),
                Arguments.of(INT4, "-2147483648", "-2147483648"),
                Arguments.of(INT4, "2147483647", "2147483647"),
                Arguments.of(INT8, "-9223372036854775808", "-9223372036854775808"),
                Arguments.of(INT8, "9223372036854775807", "9223372036854775807"),
                Arguments.of(OID, "4294967295", "4294967295"),
                // numeric: exact, as a string by default
                Arguments.of(NUMERIC, "12.50", "\"12.50\""),
                Arguments.of(NUMERIC, "123456789012345678901234567890.000000000000000000001",
                        "\"123456789012345678901234567890.000000000000000000001\""),
                Arguments.of(NUMERIC, "-0.00000000000000000000000000000000000001",
                        "\"-0.00000000000000000000000000000000000001\""),
                Arguments.of(NUMERIC, "NaN", "\"NaN\""),
                Arguments.of(NUMERIC, "Infinity", "\"Infinity\""),
                Arguments.of(NUMERIC, "-Infinity", "\"-Infinity\""),
                // floats: the number printed, specials as strings
                Arguments.of(FLOAT8, "0.1", "0.1"),
                Arguments.of(FLOAT8, "100", "100"),
                Arguments.of(FLOAT8, "1.7976931348623157e+308", "1.7976931348623157E+308"),
                Arguments.of(FLOAT8, "5e-324", "5E-324"),
                Arguments.of(FLOAT8, "-0", "-0.0"),
                Arguments.of(FLOAT8, "NaN", "\"NaN\""),
                Arguments.of(FLOAT8, "Infinity", "\"Infinity\""),
                Arguments.of(FLOAT4, "-Infinity", "\"-Infinity\""),
                Arguments.of(FLOAT4, "1.5e-07", "1.5E-7"),
                Arguments.of(FLOAT4, "3.4028235e+38", "3.4028235E+38"),
                Arguments.of(BOOL, "t", "true"),
                Arguments.of(BOOL, "f", "false"),
                // text types keep their text: empty, unicode, quotes, backslashes, padding
                Arguments.of(TEXT, "", "\"\""),
                Arguments.of(TEXT, "quote \" backslash \\ ünïcødé 🚀", "\"quote \\\" backslash \\\\ ünïcødé 🚀\""),
                Arguments.of(VARCHAR, "a,b {c} NULL", "\"a,b {c} NULL\""),
                Arguments.of(BPCHAR, "ab  ", "\"ab  \""),
                Arguments.of(NAME, "pg_catalog", "\"pg_catalog\""),
                Arguments.of(CHAR, "x", "\"x\""),
                Arguments.of(UUID, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\""),
                // dates and times: ISO-8601; infinities and BC keep PostgreSQL's text
                Arguments.of(DATE, "2026-11-22", "\"2026-11-22\""),
                Arguments.of(DATE, "0001-01-01", "\"0001-01-01\""),
                Arguments.of(DATE, "0044-03-15 BC", "\"0044-03-15 BC\""),
                Arguments.of(DATE, "10000-01-01", "\"+10000-01-01\""),
                Arguments.of(DATE, "infinity", "\"infinity\""),
                Arguments.of(DATE, "-infinity", "\"-infinity\""),
                Arguments.of(TIME, "13:45:00", "\"13:45:00\""),
                Arguments.of(TIME, "08:00:01.5", "\"08:00:01.5\""),
                Arguments.of(TIME, "24:00:00", "\"24:00:00\""),
                Arguments.of(TIMETZ, "12:00:00+00", "\"12:00:00Z\""),
                Arguments.of(TIMETZ, "12:00:00.25+05:30", "\"12:00:00.25+05:30\""),
                Arguments.of(TIMETZ, "23:59:59.999999-03:30:15", "\"23:59:59.999999-03:30:15\""),
                Arguments.of(TIMESTAMP, "2026-11-22 06:00:00", "\"2026-11-22T06:00:00\""),
                Arguments.of(TIMESTAMP, "2026-11-22 06:00:01.5", "\"2026-11-22T06:00:01.5\""),
                Arguments.of(TIMESTAMP, "2026-11-22 06:00:01.000001", "\"2026-11-22T06:00:01.000001\""),
                Arguments.of(TIMESTAMP, "294276-12-31 23:59:59.999999", "\"+294276-12-31T23:59:59.999999\""),
                Arguments.of(TIMESTAMP, "0044-03-15 10:00:00 BC", "\"0044-03-15 10:00:00 BC\""),
                Arguments.of(TIMESTAMP, "-infinity", "\"-infinity\""),
                Arguments.of(TIMESTAMPTZ, "2026-11-22 06:00:00.123456+00", "\"2026-11-22T06:00:00.123456Z\""),
                Arguments.of(TIMESTAMPTZ, "2026-11-22 08:00:00+05:30", "\"2026-11-22T02:30:00Z\""),
                Arguments.of(TIMESTAMPTZ, "2026-01-01 00:00:00-03:30:15", "\"2026-01-01T03:30:15Z\""),
                Arguments.of(TIMESTAMPTZ, "2026-01-01 04:30:00+00 BC", "\"2026-01-01 04:30:00+00 BC\""),
                Arguments.of(TIMESTAMPTZ, "infinity", "\"infinity\""),
                // intervals: ISO-8601 durations, each part with its own sign, nothing rounded
                Arguments.of(INTERVAL, "1 year 2 mons -3 days -04:05:06.789", "\"P1Y2M-3DT-4H-5M-6.789S\""),
                Arguments.of(INTERVAL, "-1 years -2 mons", "\"P-1Y-2M\""),
                Arguments.of(INTERVAL, "-1 days +02:00:00", "\"P-1DT2H\""),
                Arguments.of(INTERVAL, "1 mon 00:00:00.000001", "\"P1MT0.000001S\""),
                Arguments.of(INTERVAL, "-00:00:01.5", "\"PT-1.5S\""),
                Arguments.of(INTERVAL, "27:00:00", "\"PT27H\""),
                Arguments.of(INTERVAL, "3 days", "\"P3D\""),
                Arguments.of(INTERVAL, "00:00:00", "\"PT0S\""),
                Arguments.of(INTERVAL, "178956970 years 7 mons 2147483646 days 2562047788:00:54.775807",
                        "\"P178956970Y7M2147483646DT2562047788H54.775807S\""),
                Arguments.of(INTERVAL, "-178956970 years -7 mons -2147483647 days -2562047788:00:54.775807",
                        "\"P-178956970Y-7M-2147483647DT-2562047788H-54.775807S\""),
                Arguments.of(INTERVAL, "-2562047788:00:54.775808", "\"PT-2562047788H-54.775808S\""),
                Arguments.of(INTERVAL, "infinity", "\"infinity\""),
                // json embedded, numbers exact
                Arguments.of(JSONB, "{\"a\": [1, 2.50, null, 12345678901234567890123]}",
                        "{\"a\":[1,2.50,null,12345678901234567890123]}"),
                Arguments.of(JSON, "[\"x\", {\"b\": true}]", "[\"x\",{\"b\":true}]"),
                Arguments.of(JSONB, "\"just a string\"", "\"just a string\""),
                Arguments.of(BYTEA, "\\xdeadbeef", "\"3q2+7w==\""),
                Arguments.of(BYTEA, "\\x", "\"\""),
                Arguments.of(INET, "192.168.0.1/24", "\"192.168.0.1/24\""),
                Arguments.of(INET, "::1", "\"::1\""),
                Arguments.of(CIDR, "10.0.0.0/8", "\"10.0.0.0/8\""),
                Arguments.of(MACADDR, "08:00:2b:01:02:03", "\"08:00:2b:01:02:03\""),
                Arguments.of(MACADDR8, "08:00:2b:01:02:03:04:05", "\"08:00:2b:01:02:03:04:05\""),
                Arguments.of(MONEY, "-$1,234.56", "\"-$1,234.56\""),
                Arguments.of(BIT, "0101", "\"0101\""),
                Arguments.of(VARBIT, "", "\"\""),
                // arrays, element by element
                Arguments.of(INT4_ARRAY, "{1,2,NULL}", "[1,2,null]"),
                Arguments.of(INT4_ARRAY, "{}", "[]"),
                Arguments.of(INT4_ARRAY, "{{1,2},{3,4}}", "[[1,2],[3,4]]"),
                Arguments.of(INT4_ARRAY, "{{{1}},{{2}}}", "[[[1]],[[2]]]"),
                Arguments.of(INT4_ARRAY, "[0:1]={7,8}", "[7,8]"),
                Arguments.of(INT4_ARRAY, "[1:1][2:3]={{7,8}}", "[[7,8]]"),
                Arguments.of(INT8_ARRAY, "{-9223372036854775808,9223372036854775807}",
                        "[-9223372036854775808,9223372036854775807]"),
                Arguments.of(TEXT_ARRAY, "{\"a,b\",\"{x}\",\"\\\"q\\\"\",\"back\\\\slash\",\"NULL\",NULL,\"\",\" sp \",plain}",
                        "[\"a,b\",\"{x}\",\"\\\"q\\\"\",\"back\\\\slash\",\"NULL\",null,\"\",\" sp \",\"plain\"]"),
                Arguments.of(VARCHAR_ARRAY, "{ünï,\"🚀 x\"}", "[\"ünï\",\"🚀 x\"]"),
                Arguments.of(BOX_ARRAY, "{(3,4),(1,2);(1,1),(0,0)}", "[\"(3,4),(1,2)\",\"(1,1),(0,0)\"]"),
                Arguments.of(JSONB_ARRAY, "{\"{\\\"a\\\": 1}\",\"[1, 2]\",NULL}", "[{\"a\":1},[1,2],null]"),
                Arguments.of(NUMERIC_ARRAY, "{1.50,NaN}", "[\"1.50\",\"NaN\"]"),
                Arguments.of(FLOAT8_ARRAY, "{1.5,Infinity,-0}", "[1.5,\"Infinity\",-0.0]"),
                Arguments.of(BOOL_ARRAY, "{t,f,NULL}", "[true,false,null]"),
                Arguments.of(TIMESTAMPTZ_ARRAY, "{\"2026-01-01 10:00:00+00\",infinity}",
                        "[\"2026-01-01T10:00:00Z\",\"infinity\"]"),
                Arguments.of(DATE_ARRAY, "{\"0044-03-15 BC\",2026-01-01}", "[\"0044-03-15 BC\",\"2026-01-01\"]"),
                Arguments.of(INTERVAL_ARRAY, "{\"1 day\",-00:00:01}", "[\"P1D\",\"PT-1S\"]"),
                Arguments.of(BYTEA_ARRAY, "{\"\\\\xdeadbeef\",\"\\\\x\"}", "[\"3q2+7w==\",\"\"]"),
                Arguments.of(UUID_ARRAY, "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}", "[\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\"]"),
                Arguments.of(INET_ARRAY, "{10.0.0.1,::1/128}", "[\"10.0.0.1\",\"::1/128\"]"),
                // the database's own types: enum, domain (also over an array), hstore, arrays of them
                Arguments.of(MOOD, "happy", "\"happy\""),
                Arguments.of(MOOD_ARRAY, "{happy,\"very sad\",NULL}", "[\"happy\",\"very sad\",null]"),
                Arguments.of(POSITIVE_INT, "42", "42"),
                Arguments.of(POSITIVE_INT_ARRAY, "{1,2}", "[1,2]"),
                Arguments.of(TAGS, "{a,\"b c\"}", "[\"a\",\"b c\"]"),
                Arguments.of(HSTORE, "\"a\"=>\"1\", \"b\\\"c\"=>NULL, \"\"=>\"x\\\\y\", \"NULL\"=>\"NULL\", \"ключ\"=>\"=>,\"",
                        "{\"a\":\"1\",\"b\\\"c\":null,\"\":\"x\\\\y\",\"NULL\":\"NULL\",\"ключ\":\"=>,\"}"),
                Arguments.of(HSTORE, "", "{}"),
                Arguments.of(HSTORE_ARRAY, "{\"\\\"a\\\"=>\\\"1\\\"\",NULL}", "[{\"a\":\"1\"},null]"),
                // unknown types keep their text
                Arguments.of(UNKNOWN, "(1,\"x\")", "\"(1,\\\"x\\\")\""),
                Arguments.of(600, "(1,2)", "\"(1,2)\""));
    }

    @ParameterizedTest(name = "type {0}: {1} -> {2}")
    @MethodSource("conversions")
    void convertsTextFormToJson(int typeOid, String text, String expectedJson) {
        assertEquals(expectedJson, converter.convert(typeOid, text).toString());
    }

    /**
     * The streaming form writes what the tree form is, for every type and value above: the same bytes, but for
     * jsonb (also in arrays), which keeps PostgreSQL's text (its spaces) and so is the same JSON value.
     */
    @ParameterizedTest(name = "type {0}: {1} -> {2}")
    @MethodSource("conversions")
    void theStreamingWriterWritesWhatTheTreeIs(int typeOid, String text, String expectedJson) throws Exception {
        if (typeOid == JSONB || typeOid == JSONB_ARRAY) {
            assertEquals(converter.convert(typeOid, text), EXACT.readTree(written(converter, typeOid, text)));
        } else {
            assertEquals(expectedJson, written(converter, typeOid, text));
        }
    }

    /** Reads JSON as the tree of {@link ValueConverter#convert} holds it: decimals exact, whole numbers as longs. */
    private static final com.fasterxml.jackson.databind.ObjectMapper EXACT = com.fasterxml.jackson.databind.json.JsonMapper
            .builder().enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(com.fasterxml.jackson.databind.cfg.JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .nodeFactory(new com.fasterxml.jackson.databind.node.JsonNodeFactory() {
                @Override
                public com.fasterxml.jackson.databind.node.NumericNode numberNode(int value) {
                    return com.fasterxml.jackson.databind.node.LongNode.valueOf(value);
                }
            }).build();

    @Test
    void jsonbIsCopiedAsPostgresqlPrintedItTheSameValueAsItsTree() throws Exception {
        String jsonb = "{\"a\": 1, \"b\": [1.50, 0, 12345678901234567890123, 0.0000001], \"c\": {\"d\": null,"
                + " \"e\": \"ü \\\" \\u0001\"}, \"f\": true, \"g\": false}";
        assertEquals(jsonb, written(converter, JSONB, jsonb));
        assertEquals(converter.convert(JSONB, jsonb), EXACT.readTree(written(converter, JSONB, jsonb)));
        assertEquals("\"text\"", written(converter, JSONB, "\"text\""));
    }

    /**
     * What the type's writer writes for {@code text}; given as UTF-8 bytes (inside a larger array) it writes the same
     * JSON value (characters beyond the BMP may then come as UTF-8 rather than as escaped surrogates).
     */
    private static String written(ValueConverter converter, int typeOid, String text) throws Exception {
        java.io.StringWriter json = new java.io.StringWriter();
        try (com.fasterxml.jackson.core.JsonGenerator out = new com.fasterxml.jackson.databind.ObjectMapper()
                .createGenerator(json)) {
            converter.writerFor(typeOid).write(out, text);
        }
        byte[] utf8 = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] message = new byte[utf8.length + 7];
        System.arraycopy(utf8, 0, message, 3, utf8.length);
        java.io.ByteArrayOutputStream fromBytes = new java.io.ByteArrayOutputStream();
        try (com.fasterxml.jackson.core.JsonGenerator out = new com.fasterxml.jackson.databind.ObjectMapper()
                .createGenerator(fromBytes)) {
            converter.writerFor(typeOid).writeUtf8(out, message, 3, utf8.length);
        }
        assertEquals(EXACT.readTree(json.toString()), EXACT.readTree(fromBytes.toByteArray()),
                "written from UTF-8 bytes: " + fromBytes.toString(java.nio.charset.StandardCharsets.UTF_8));
        return json.toString();
    }

    static Stream<Arguments> numbers() {
        return Stream.of(
                Arguments.of("12.50", "12.50"),
                Arguments.of("123456789012345678901234567890.000000000000000000001",
                        "123456789012345678901234567890.000000000000000000001"),
                Arguments.of("-0.0010", "-0.0010"),
                Arguments.of("0", "0"),
                Arguments.of("NaN", "\"NaN\""),
                Arguments.of("-Infinity", "\"-Infinity\""));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("numbers")
    void numericModeNumberGivesExactJsonNumbers(String text, String expectedJson) {
        ValueConverter numbers = new ValueConverter(PgTypes.builtIn(), NumericMode.NUMBER);
        assertEquals(expectedJson, numbers.convert(NUMERIC, text).toString());
        assertEquals("[" + expectedJson + "]", numbers.convert(NUMERIC_ARRAY, "{" + text + "}").toString());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("numbers")
    void numericModeNumberWritesExactJsonNumbers(String text, String expectedJson) throws Exception {
        assertEquals(expectedJson, written(new ValueConverter(PgTypes.builtIn(), NumericMode.NUMBER), NUMERIC, text));
    }

    @Test
    void withoutACatalogTheDatabasesOwnTypesKeepTheirText() {
        ValueConverter builtInOnly = new ValueConverter(PgTypes.builtIn(), NumericMode.STRING);
        assertEquals("\"42\"", builtInOnly.convert(POSITIVE_INT, "42").toString());
        assertEquals("\"{1,2}\"", builtInOnly.convert(POSITIVE_INT_ARRAY, "{1,2}").toString());
        assertEquals("[1,2]", builtInOnly.convert(INT4_ARRAY, "{1,2}").toString());
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of(INT4, "x", "'x'"),
                Arguments.of(INT8, "9223372036854775808", "'9223372036854775808'"),
                Arguments.of(NUMERIC, "1.2.3", "'1.2.3'"),
                Arguments.of(FLOAT8, "abc", "'abc'"),
                Arguments.of(BOOL, "yes", "'yes'"),
                Arguments.of(JSON, "{", "'{'"),
                Arguments.of(BYTEA, "escape", "'escape'"),
                Arguments.of(BYTEA, "\\xzz", "'\\xzz'"),
                Arguments.of(DATE, "2026-13-01", "'2026-13-01'"),
                Arguments.of(DATE, "22/11/2026", "'22/11/2026'"),
                Arguments.of(DATE, "22/11/2026 BC", "'22/11/2026'"),
                Arguments.of(TIME, "25:00", "'25:00'"),
                Arguments.of(TIMETZ, "12:00:00+99", "'12:00:00+99'"),
                Arguments.of(TIMESTAMP, "2026-11-22T06:00:00", "'2026-11-22T06:00:00'"),
                Arguments.of(TIMESTAMPTZ, "2026-11-22 06:00:00", "'2026-11-22 06:00:00'"),
                Arguments.of(INTERVAL, "1 fortnight", "'fortnight'"),
                Arguments.of(INTERVAL, "P1D", "'P1D'"),
                Arguments.of(INTERVAL, "", "''"),
                Arguments.of(INTERVAL, "1 day 04:05", "'04:05'"),
                Arguments.of(INT4_ARRAY, "{1,x}", "element 'x'"),
                Arguments.of(INT4_ARRAY, "{1,2", "'{1,2'"),
                Arguments.of(HSTORE, "\"a\"=>", "'\"a\"=>'"),
                Arguments.of(HSTORE, "\"a\"=\"b\"", "'\"a\"=\"b\"'"),
                Arguments.of(HSTORE, "\"a\"=>\"b", "'\"a\"=>\"b'"),
                Arguments.of(HSTORE, "NULL=>\"x\"", "cannot be NULL"),
                Arguments.of(HSTORE, "\"a\"=>\"b\",", "after the last comma"));
    }

    @ParameterizedTest(name = "type {0}: {1}")
    @MethodSource("invalid")
    void rejectsTextThatDoesNotFitTheTypeNamingIt(int typeOid, String text, String named) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> converter.convert(typeOid, text));
        assertTrue(e.getMessage().contains(named), e.getMessage());
    }

    @ParameterizedTest(name = "type {0}: {1}")
    @MethodSource("invalid")
    void theStreamingWriterRejectsWhatTheTreeRejects(int typeOid, String text, String named) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> written(converter, typeOid, text));
        assertTrue(e.getMessage().contains(named), e.getMessage());
    }

    @Test
    void errorMessagesShortenLongValues() {
        String longJson = "[" + "1,".repeat(10_000);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> converter.convert(JSON, longJson));
        assertTrue(e.getMessage().length() < 600, e.getMessage());
        assertTrue(e.getMessage().contains("(20001 characters)"), e.getMessage());
    }
}
