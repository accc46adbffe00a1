package io.tributary.producer.decoding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.tributary.model.ChangeEventJson;
import java.io.IOException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Turns a column value from PostgreSQL's text output form into its JSON value, chosen by the column's type OID.
 *
 * <p>Numbers stay exact: integers become JSON numbers, {@code numeric} a string (a JSON reader would otherwise
 * round it through a double), NaN and infinities strings. Timestamps become ISO-8601. {@code json}/{@code jsonb}
 * are embedded, not quoted. A type this converter does not know keeps its text form, so a new type never stops the
 * stream. The replication session runs with {@code DateStyle=ISO}, {@code TimeZone=UTC} and
 * {@code extra_float_digits=3}, which is what the parsing here relies on. Thread-safe.
 */
final class ValueConverter {

    static final int BOOL = 16;
    static final int BYTEA = 17;
    static final int INT8 = 20;
    static final int INT2 = 21;
    static final int INT4 = 23;
    static final int OID = 26;
    static final int JSON = 114;
    static final int FLOAT4 = 700;
    static final int FLOAT8 = 701;
    static final int DATE = 1082;
    static final int TIMESTAMP = 1114;
    static final int TIMESTAMPTZ = 1184;
    static final int NUMERIC = 1700;
    static final int JSONB = 3802;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = ChangeEventJson.mapper();

    /** {@code 2026-11-22 06:00:00.123456}: DateStyle ISO with up to six fraction digits. */
    private static final DateTimeFormatter ISO_SPACE_LOCAL = new DateTimeFormatterBuilder()
            .appendPattern("uuuu-MM-dd HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .toFormatter();
    /** The same with PostgreSQL's offset forms {@code +00}, {@code +05:30}, {@code -03:30:15}. */
    private static final DateTimeFormatter ISO_SPACE_OFFSET = new DateTimeFormatterBuilder()
            .append(ISO_SPACE_LOCAL)
            .appendOffset("+HH:mm:ss", "+00")
            .toFormatter();

    /**
     * @param typeOid the column's type, from the Relation message
     * @param text    the value in PostgreSQL's text form
     * @throws IllegalArgumentException when the text does not fit the type (the caller adds table and column)
     */
    JsonNode convert(int typeOid, String text) {
        return switch (typeOid) {
            case INT2, INT4 -> NODES.numberNode((long) Integer.parseInt(text));
            case INT8 -> NODES.numberNode(Long.parseLong(text));
            case OID -> NODES.numberNode(Long.parseLong(text));
            case BOOL -> NODES.booleanNode(parseBoolean(text));
            case FLOAT4, FLOAT8 -> floatingPoint(text);
            case NUMERIC -> NODES.textNode(text);
            case JSON, JSONB -> embeddedJson(text);
            case BYTEA -> NODES.textNode(base64OfHex(text));
            case TIMESTAMP -> NODES.textNode(timestamp(text));
            case TIMESTAMPTZ -> NODES.textNode(timestampWithZone(text));
            case DATE -> NODES.textNode(text);
            default -> NODES.textNode(text);
        };
    }

    private static boolean parseBoolean(String text) {
        return switch (text) {
            case "t" -> true;
            case "f" -> false;
            default -> throw new IllegalArgumentException("not a boolean: '" + text + "'");
        };
    }

    private static JsonNode floatingPoint(String text) {
        return switch (text) {
            case "NaN", "Infinity", "-Infinity" -> NODES.textNode(text);
            default -> {
                // Exact as printed: the shortest text that reads back to the same float or double.
                yield NODES.numberNode(new java.math.BigDecimal(text));
            }
        };
    }

    private static JsonNode embeddedJson(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getMessage(), e);
        }
    }

    private static String base64OfHex(String text) {
        if (!text.startsWith("\\x")) {
            throw new IllegalArgumentException("bytea is not in hex form (\\x…); the server's bytea_output must be 'hex'");
        }
        return Base64.getEncoder().encodeToString(HexFormat.of().parseHex(text, 2, text.length()));
    }

    /** ISO-8601 without offset; infinities and BC dates keep PostgreSQL's text. */
    private static String timestamp(String text) {
        try {
            return LocalDateTime.parse(text, ISO_SPACE_LOCAL).toString();
        } catch (DateTimeParseException e) {
            return text;
        }
    }

    /** ISO-8601 in UTC ({@code …Z}); infinities and BC dates keep PostgreSQL's text. */
    private static String timestampWithZone(String text) {
        try {
            return OffsetDateTime.parse(text, ISO_SPACE_OFFSET).toInstant().toString();
        } catch (DateTimeParseException e) {
            return text;
        }
    }

}
