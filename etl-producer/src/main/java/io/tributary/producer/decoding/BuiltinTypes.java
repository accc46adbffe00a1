package io.tributary.producer.decoding;

import static io.tributary.producer.decoding.ValueConverter.BIT;
import static io.tributary.producer.decoding.ValueConverter.BOOL;
import static io.tributary.producer.decoding.ValueConverter.BOX;
import static io.tributary.producer.decoding.ValueConverter.BPCHAR;
import static io.tributary.producer.decoding.ValueConverter.BYTEA;
import static io.tributary.producer.decoding.ValueConverter.CHAR;
import static io.tributary.producer.decoding.ValueConverter.CIDR;
import static io.tributary.producer.decoding.ValueConverter.DATE;
import static io.tributary.producer.decoding.ValueConverter.FLOAT4;
import static io.tributary.producer.decoding.ValueConverter.FLOAT8;
import static io.tributary.producer.decoding.ValueConverter.INET;
import static io.tributary.producer.decoding.ValueConverter.INT2;
import static io.tributary.producer.decoding.ValueConverter.INT4;
import static io.tributary.producer.decoding.ValueConverter.INT8;
import static io.tributary.producer.decoding.ValueConverter.INTERVAL;
import static io.tributary.producer.decoding.ValueConverter.JSON;
import static io.tributary.producer.decoding.ValueConverter.JSONB;
import static io.tributary.producer.decoding.ValueConverter.MACADDR;
import static io.tributary.producer.decoding.ValueConverter.MACADDR8;
import static io.tributary.producer.decoding.ValueConverter.MONEY;
import static io.tributary.producer.decoding.ValueConverter.NAME;
import static io.tributary.producer.decoding.ValueConverter.NUMERIC;
import static io.tributary.producer.decoding.ValueConverter.OID;
import static io.tributary.producer.decoding.ValueConverter.TEXT;
import static io.tributary.producer.decoding.ValueConverter.TIME;
import static io.tributary.producer.decoding.ValueConverter.TIMESTAMP;
import static io.tributary.producer.decoding.ValueConverter.TIMESTAMPTZ;
import static io.tributary.producer.decoding.ValueConverter.TIMETZ;
import static io.tributary.producer.decoding.ValueConverter.UUID;
import static io.tributary.producer.decoding.ValueConverter.VARBIT;
import static io.tributary.producer.decoding.ValueConverter.VARCHAR;

import java.util.List;

/**
 * The built-in types value conversion knows without a database, as {@code pg_type} describes them: their OIDs are
 * fixed in PostgreSQL's source ({@code pg_type.dat}) and equal in every database and version. Each type the converter
 * gives a JSON form of its own is here with its array type, plus {@code box}, whose arrays use ';' between elements.
 * {@code ValueTypesIT} checks every entry against a real catalog.
 */
final class BuiltinTypes {

    static final int BOOL_ARRAY = 1000;
    static final int BYTEA_ARRAY = 1001;
    static final int CHAR_ARRAY = 1002;
    static final int NAME_ARRAY = 1003;
    static final int INT2_ARRAY = 1005;
    static final int INT4_ARRAY = 1007;
    static final int TEXT_ARRAY = 1009;
    static final int BPCHAR_ARRAY = 1014;
    static final int VARCHAR_ARRAY = 1015;
    static final int INT8_ARRAY = 1016;
    static final int BOX_ARRAY = 1020;
    static final int FLOAT4_ARRAY = 1021;
    static final int FLOAT8_ARRAY = 1022;
    static final int OID_ARRAY = 1028;
    static final int MACADDR_ARRAY = 1040;
    static final int INET_ARRAY = 1041;
    static final int TIMESTAMP_ARRAY = 1115;
    static final int DATE_ARRAY = 1182;
    static final int TIME_ARRAY = 1183;
    static final int TIMESTAMPTZ_ARRAY = 1185;
    static final int INTERVAL_ARRAY = 1187;
    static final int NUMERIC_ARRAY = 1231;
    static final int TIMETZ_ARRAY = 1270;
    static final int BIT_ARRAY = 1561;
    static final int VARBIT_ARRAY = 1563;
    static final int JSON_ARRAY = 199;
    static final int CIDR_ARRAY = 651;
    static final int MACADDR8_ARRAY = 775;
    static final int MONEY_ARRAY = 791;
    static final int UUID_ARRAY = 2951;
    static final int JSONB_ARRAY = 3807;

    static final List<PgType> ALL = List.of(
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
