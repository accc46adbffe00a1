package io.tributary.shaping;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns a column value from PostgreSQL's text output form into its JSON value, chosen by the column's type.
 *
 * <p>The JSON form of each type (docs/design.md, "Value conversion", has the whole table):
 * <ul>
 *   <li>{@code int2}, {@code int4}, {@code int8}, {@code oid}: numbers. {@code numeric}: exact, a string or a number
 *       as {@link NumericMode} says. {@code float4}/{@code float8}: the number PostgreSQL printed (the shortest
 *       text that reads back to the same value); {@code NaN} and {@code ±Infinity} strings. {@code bool}: boolean.
 *   <li>Dates and times: ISO-8601 strings ({@link TemporalValues}); {@code interval}: an ISO-8601 duration
 *       ({@link IntervalValues}).
 *   <li>{@code json}/{@code jsonb}: embedded JSON, numbers exact. {@code bytea}: base64. {@code hstore}: an object
 *       of strings and nulls ({@link HstoreParser}).
 *   <li>Arrays: nested JSON arrays of converted elements ({@link ArrayLiteralParser}). Domains: as their base type.
 *   <li>Text types, {@code uuid}, enums, network addresses, {@code money}, {@code bit}/{@code varbit}, and every type
 *       without a form of its own or not known at all: the text as PostgreSQL printed it, so a new type never stops
 *       the stream.
 * </ul>
 *
 * <p>Built-in types are known by OID without a database; enums, domains, extension types and their arrays are looked
 * up in {@link PgTypes}. The replication session runs with {@code DateStyle=ISO}, {@code TimeZone=UTC},
 * {@code extra_float_digits=3}, {@code bytea_output=hex} and {@code IntervalStyle=postgres}, which is what the
 * parsing relies on. Thread-safe.
 */
public final class ValueConverter {

    // Built-in type OIDs (fixed in every database).
    public static final int BOOL = 16;
    public static final int BYTEA = 17;
    public static final int CHAR = 18;
    public static final int NAME = 19;
    public static final int INT8 = 20;
    public static final int INT2 = 21;
    public static final int INT4 = 23;
    public static final int TEXT = 25;
    public static final int OID = 26;
    public static final int JSON = 114;
    public static final int BOX = 603;
    public static final int CIDR = 650;
    public static final int FLOAT4 = 700;
    public static final int FLOAT8 = 701;
    public static final int MACADDR8 = 774;
    public static final int MONEY = 790;
    public static final int MACADDR = 829;
    public static final int INET = 869;
    public static final int BPCHAR = 1042;
    public static final int VARCHAR = 1043;
    public static final int DATE = 1082;
    public static final int TIME = 1083;
    public static final int TIMESTAMP = 1114;
    public static final int TIMESTAMPTZ = 1184;
    public static final int INTERVAL = 1186;
    public static final int TIMETZ = 1266;
    public static final int BIT = 1560;
    public static final int VARBIT = 1562;
    public static final int NUMERIC = 1700;
    public static final int UUID = 2950;
    public static final int JSONB = 3802;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final PgTypes types;
    private final NumericMode numericMode;
    private final JsonMode jsonMode;

    /**
     * @param types       the types to look non-built-in OIDs up in; {@link PgTypes#builtIn()} without a database
     * @param numericMode the JSON form of {@code numeric} values
     */
    public ValueConverter(PgTypes types, NumericMode numericMode) {
        this(types, numericMode, JsonMode.EMBEDDED);
    }

    /** @param jsonMode the JSON form of {@code json} and {@code jsonb} values (and of their arrays' elements) */
    public ValueConverter(PgTypes types, NumericMode numericMode, JsonMode jsonMode) {
        this.types = Objects.requireNonNull(types, "types");
        this.numericMode = Objects.requireNonNull(numericMode, "numericMode");
        this.jsonMode = Objects.requireNonNull(jsonMode, "jsonMode");
    }

    /**
     * @param typeOid the column's type, from the Relation message
     * @param text    the value in PostgreSQL's text form (never SQL NULL: that is the caller's JSON null)
     * @throws IllegalArgumentException naming the text when it does not fit the type (the caller adds table and
     *                                  column)
     */
    public JsonNode convert(int typeOid, String text) {
        return switch (typeOid) {
            case INT2, INT4, INT8, OID -> integer(text);
            case NUMERIC -> numeric(text);
            case FLOAT4, FLOAT8 -> floatingPoint(text);
            case BOOL -> NODES.booleanNode(bool(text));
            case TEXT, VARCHAR, BPCHAR, NAME, CHAR, UUID, INET, CIDR, MACADDR, MACADDR8, MONEY, BIT, VARBIT ->
                    NODES.textNode(text);
            case JSON, JSONB -> jsonMode == JsonMode.TEXT ? NODES.textNode(text) : EmbeddedJson.parse(text);
            case BYTEA -> NODES.textNode(base64OfHex(text));
            case DATE -> NODES.textNode(TemporalValues.date(text));
            case TIME -> NODES.textNode(TemporalValues.time(text));
            case TIMETZ -> NODES.textNode(TemporalValues.timeWithZone(text));
            case TIMESTAMP -> NODES.textNode(TemporalValues.timestamp(text));
            case TIMESTAMPTZ -> NODES.textNode(TemporalValues.timestampWithZone(text));
            case INTERVAL -> NODES.textNode(IntervalValues.toIso8601(text));
            default -> convertByCatalog(typeOid, text);
        };
    }

    /**
     * The streaming form of {@link #convert} for a column of type {@code typeOid}: the common types (integers,
     * {@code numeric} as strings, booleans, text types, {@code jsonb}, dates and times, and domains over them) are
     * written without a tree; the others through {@link #convert}. The catalog is consulted once, here.
     *
     * <p>A {@code jsonb} value is copied as PostgreSQL printed it, unparsed: {@code jsonb_out} prints JSON by
     * construction (keys unique, numbers and strings in JSON's syntax), so it is the same value as the tree of
     * {@link #convert}, only spaced differently and with numbers as PostgreSQL wrote them. {@code json} values keep
     * the tree: their text is the client's, duplicate keys included, which the tree resolves.
     */
    public ValueWriter writerFor(int typeOid) {
        return switch (typeOid) {
            case INT2, INT4, INT8, OID -> (out, text) -> out.writeNumber(integerValue(text));
            case NUMERIC -> numericMode == NumericMode.STRING ? (out, text) -> out.writeString(numericText(text))
                    : treeWriter(typeOid);
            case BOOL -> (out, text) -> out.writeBoolean(bool(text));
            case TEXT, VARCHAR, BPCHAR, NAME, CHAR, UUID, INET, CIDR, MACADDR, MACADDR8, MONEY, BIT, VARBIT ->
                    ValueWriter.STRING;
            case JSONB -> jsonMode == JsonMode.TEXT ? ValueWriter.STRING : ValueWriter.RAW_JSON;
            case JSON -> jsonMode == JsonMode.TEXT ? ValueWriter.STRING : treeWriter(typeOid);
            case DATE -> (out, text) -> out.writeString(TemporalValues.date(text));
            case TIME -> (out, text) -> out.writeString(TemporalValues.time(text));
            case TIMETZ -> (out, text) -> out.writeString(TemporalValues.timeWithZone(text));
            case TIMESTAMP -> (out, text) -> out.writeString(TemporalValues.timestamp(text));
            case TIMESTAMPTZ -> (out, text) -> out.writeString(TemporalValues.timestampWithZone(text));
            case INTERVAL -> (out, text) -> out.writeString(IntervalValues.toIso8601(text));
            case FLOAT4, FLOAT8, BYTEA -> treeWriter(typeOid);
            default -> writerByCatalog(typeOid);
        };
    }

    /** Domains as their base type; enums and unknown types as their text; the rest through a tree. */
    private ValueWriter writerByCatalog(int typeOid) {
        PgType type = types.lookup(typeOid).orElse(null);
        if (type == null) {
            return ValueWriter.STRING;
        }
        if (type.isDomain()) {
            return writerFor(type.baseTypeOid());
        }
        if (type.isArray()) {
            return arrayWriter(type);
        }
        if (type.kind() == 'b' && type.name().equals("hstore")) {
            return treeWriter(typeOid);
        }
        return ValueWriter.STRING;
    }

    /** An array's elements written by their element type's writer, a failure named as {@link #array} names it. */
    private ValueWriter arrayWriter(PgType arrayType) {
        char delimiter = types.lookup(arrayType.elementOid()).map(PgType::delimiter).orElse(',');
        ValueWriter elementWriter = writerFor(arrayType.elementOid());
        return (out, text) -> ArrayLiteralParser.write(out, text, delimiter, (generator, element) -> {
            try {
                elementWriter.write(generator, element);
            } catch (IllegalArgumentException e) {
                throw elementError(arrayType, text, element, e);
            }
        });
    }

    private static InvalidValueException elementError(PgType arrayType, String text, String element,
                                                      IllegalArgumentException e) {
        return new InvalidValueException("an array of type " + arrayType.name(), text,
                "element " + InvalidValueException.quote(element) + ": " + e.getMessage(), e);
    }

    /** JSON (its duplicate keys resolved as a tree resolves them), floats, bytea, arrays, hstore: via a tree. */
    private ValueWriter treeWriter(int typeOid) {
        return (out, text) -> out.writeTree(convert(typeOid, text));
    }

    /** Arrays, domains, enums, hstore and anything else: by what the catalog says the type is. */
    private JsonNode convertByCatalog(int typeOid, String text) {
        PgType type = types.lookup(typeOid).orElse(null);
        if (type == null) {
            return NODES.textNode(text);
        }
        if (type.isArray()) {
            return array(type, text);
        }
        if (type.isDomain()) {
            return convert(type.baseTypeOid(), text);
        }
        if (type.kind() == 'b' && type.name().equals("hstore")) {
            return HstoreParser.parse(text);
        }
        return NODES.textNode(text);
    }

    /** The array's elements are separated by the element type's delimiter (';' for {@code box}). */
    private JsonNode array(PgType arrayType, String text) {
        int elementOid = arrayType.elementOid();
        char delimiter = types.lookup(elementOid).map(PgType::delimiter).orElse(',');
        return ArrayLiteralParser.parse(text, delimiter, element -> {
            try {
                return convert(elementOid, element);
            } catch (IllegalArgumentException e) {
                throw elementError(arrayType, text, element, e);
            }
        });
    }

    private static JsonNode integer(String text) {
        return NODES.numberNode(integerValue(text));
    }

    private static long integerValue(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new InvalidValueException("an integer", text);
        }
    }

    private JsonNode numeric(String text) {
        if (isSpecialNumeric(text)) {
            return NODES.textNode(text);
        }
        return numericMode == NumericMode.NUMBER ? DecimalNode.valueOf(decimal(text, "a numeric"))
                : NODES.textNode(numericText(text));
    }

    private static boolean isSpecialNumeric(String text) {
        return text.equals("NaN") || text.equals("Infinity") || text.equals("-Infinity");
    }

    /**
     * The text of a {@code numeric} kept as a string, checked: PostgreSQL prints plain decimals ({@code -12.50}),
     * checked by a scan; anything else must read as a {@code BigDecimal} or be {@code NaN} / {@code ±Infinity}.
     */
    private static String numericText(String text) {
        if (!isPlainDecimal(text) && !isSpecialNumeric(text)) {
            decimal(text, "a numeric");
        }
        return text;
    }

    /** An optional minus, digits with at most one point among them, at least one digit. */
    private static boolean isPlainDecimal(String text) {
        int i = text.startsWith("-") ? 1 : 0;
        boolean point = false;
        boolean digit = false;
        for (; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                digit = true;
            } else if (c == '.' && !point) {
                point = true;
            } else {
                return false;
            }
        }
        return digit;
    }

    /** Exact as printed: with {@code extra_float_digits=3}, the shortest text that reads back to the same value. */
    private static JsonNode floatingPoint(String text) {
        return switch (text) {
            case "NaN", "Infinity", "-Infinity" -> NODES.textNode(text);
            case "-0" -> DoubleNode.valueOf(-0.0d); // a decimal has no negative zero
            default -> DecimalNode.valueOf(decimal(text, "a floating-point number"));
        };
    }

    private static BigDecimal decimal(String text, String expected) {
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException e) {
            throw new InvalidValueException(expected, text);
        }
    }

    private static boolean bool(String text) {
        return switch (text) {
            case "t" -> true;
            case "f" -> false;
            default -> throw new InvalidValueException("a boolean (t or f)", text);
        };
    }

    private static String base64OfHex(String text) {
        if (!text.startsWith("\\x")) {
            throw new InvalidValueException("bytea in hex form (\\x…); the session's bytea_output must be 'hex'",
                    text);
        }
        try {
            return Base64.getEncoder().encodeToString(HexFormat.of().parseHex(text, 2, text.length()));
        } catch (IllegalArgumentException e) {
            throw new InvalidValueException("bytea in hex form", text, e.getMessage(), e);
        }
    }

    /**
     * The type's name for readers of the events: the catalog's name ({@code int4}, {@code timestamptz}, an enum's
     * own name), a domain's base type instead of the domain, {@code _} and the element's name for an array; the
     * OID in decimal when the catalog does not know it.
     */
    public String typeName(int typeOid) {
        Optional<PgType> type = types.lookup(typeOid);
        if (type.isEmpty()) {
            return Integer.toString(typeOid);
        }
        if (type.get().isDomain()) {
            return typeName(type.get().baseTypeOid());
        }
        if (type.get().isArray()) {
            return "_" + typeName(type.get().elementOid());
        }
        return type.get().name();
    }
}
