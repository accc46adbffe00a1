package io.tributary.shaping;

import static io.tributary.shaping.ValueConverter.BIT;
import static io.tributary.shaping.ValueConverter.BOOL;
import static io.tributary.shaping.ValueConverter.BOX;
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

import java.util.List;

/**
 * The built-in types value conversion knows without a database, as {@code pg_type} describes them: their OIDs are
 * fixed in PostgreSQL's source ({@code pg_type.dat}) and equal in every database and version (of the rest, only the
 * category of {@code "char"} changed: S before PostgreSQL 15, Z since). Each type the converter
 * gives a JSON form of its own is here with its array type, plus {@code box}, whose arrays use ';' between elements.
 * {@code ValueTypesIT} checks every entry against a real catalog.
 */
public final class BuiltinTypes {

    public static final int BOOL_ARRAY = 1000;
    public static final int BYTEA_ARRAY = 1001;
    public static final int CHAR_ARRAY = 1002;
    public static final int NAME_ARRAY = 1003;
    public static final int INT2_ARRAY = 1005;
    public static final int INT4_ARRAY = 1007;
    public static final int TEXT_ARRAY = 1009;
    public static final int BPCHAR_ARRAY = 1014;
    public static final int VARCHAR_ARRAY = 1015;
    public static final int INT8_ARRAY = 1016;
    public static final int BOX_ARRAY = 1020;
    public static final int FLOAT4_ARRAY = 1021;
    public static final int FLOAT8_ARRAY = 1022;
    public static final int OID_ARRAY = 1028;
    public static final int MACADDR_ARRAY = 1040;
    public static final int INET_ARRAY = 1041;
    public static final int TIMESTAMP_ARRAY = 1115;
    public static final int DATE_ARRAY = 1182;
    public static final int TIME_ARRAY = 1183;
    public static final int TIMESTAMPTZ_ARRAY = 1185;
    public static final int INTERVAL_ARRAY = 1187;
    public static final int NUMERIC_ARRAY = 1231;
    public static final int TIMETZ_ARRAY = 1270;
    public static final int BIT_ARRAY = 1561;
    public static final int VARBIT_ARRAY = 1563;
    public static final int JSON_ARRAY = 199;
    public static final int CIDR_ARRAY = 651;
    public static final int MACADDR8_ARRAY = 775;
    public static final int MONEY_ARRAY = 791;
    public static final int UUID_ARRAY = 2951;
    public static final int JSONB_ARRAY = 3807;

    public static final List<PgType> ALL = List.of(
            base(BOOL, "bool", 'B'), array(BOOL_ARRAY, "_bool", BOOL),
            base(BYTEA, "bytea", 'U'), array(BYTEA_ARRAY, "_bytea", BYTEA),
            base(CHAR, "char", 'Z'), array(CHAR_ARRAY, "_char", CHAR),
            base(NAME, "name", 'S'), array(NAME_ARRAY, "_name", NAME),
            base(INT8, "int8", 'N'), array(INT8_ARRAY, "_int8", INT8),
            base(INT2, "int2", 'N'), array(INT2_ARRAY, "_int2", INT2),
            base(INT4, "int4", 'N'), array(INT4_ARRAY, "_int4", INT4),
            base(TEXT, "text", 'S'), array(TEXT_ARRAY, "_text", TEXT),
            base(OID, "oid", 'N'), array(OID_ARRAY, "_oid", OID),
            base(JSON, "json", 'U'), array(JSON_ARRAY, "_json", JSON),
            new PgType(BOX, "box", "pg_catalog", 'b', 'G', 0, 0, ';'),
            new PgType(BOX_ARRAY, "_box", "pg_catalog", 'b', 'A', BOX, 0, ';'),
            base(CIDR, "cidr", 'I'), array(CIDR_ARRAY, "_cidr", CIDR),
            base(FLOAT4, "float4", 'N'), array(FLOAT4_ARRAY, "_float4", FLOAT4),
            base(FLOAT8, "float8", 'N'), array(FLOAT8_ARRAY, "_float8", FLOAT8),
            base(MACADDR8, "macaddr8", 'U'), array(MACADDR8_ARRAY, "_macaddr8", MACADDR8),
            base(MONEY, "money", 'N'), array(MONEY_ARRAY, "_money", MONEY),
            base(MACADDR, "macaddr", 'U'), array(MACADDR_ARRAY, "_macaddr", MACADDR),
            base(INET, "inet", 'I'), array(INET_ARRAY, "_inet", INET),
            base(BPCHAR, "bpchar", 'S'), array(BPCHAR_ARRAY, "_bpchar", BPCHAR),
            base(VARCHAR, "varchar", 'S'), array(VARCHAR_ARRAY, "_varchar", VARCHAR),
            base(DATE, "date", 'D'), array(DATE_ARRAY, "_date", DATE),
            base(TIME, "time", 'D'), array(TIME_ARRAY, "_time", TIME),
            base(TIMESTAMP, "timestamp", 'D'), array(TIMESTAMP_ARRAY, "_timestamp", TIMESTAMP),
            base(TIMESTAMPTZ, "timestamptz", 'D'), array(TIMESTAMPTZ_ARRAY, "_timestamptz", TIMESTAMPTZ),
            base(INTERVAL, "interval", 'T'), array(INTERVAL_ARRAY, "_interval", INTERVAL),
            base(TIMETZ, "timetz", 'D'), array(TIMETZ_ARRAY, "_timetz", TIMETZ),
            base(BIT, "bit", 'V'), array(BIT_ARRAY, "_bit", BIT),
            base(VARBIT, "varbit", 'V'), array(VARBIT_ARRAY, "_varbit", VARBIT),
            base(NUMERIC, "numeric", 'N'), array(NUMERIC_ARRAY, "_numeric", NUMERIC),
            base(UUID, "uuid", 'U'), array(UUID_ARRAY, "_uuid", UUID),
            base(JSONB, "jsonb", 'U'), array(JSONB_ARRAY, "_jsonb", JSONB));

    private BuiltinTypes() {
    }

    private static PgType base(int oid, String name, char category) {
        return new PgType(oid, name, "pg_catalog", 'b', category, 0, 0, ',');
    }

    private static PgType array(int oid, String name, int elementOid) {
        return new PgType(oid, name, "pg_catalog", 'b', 'A', elementOid, 0, ',');
    }
}
