package io.tributary.producer.decoding;

import io.tributary.shaping.ValueConverter;
/**
 * A column value as test_decoding's {@code print_literal} writes it, turned into the {@link TupleData.Value}
 * pgoutput sends for it: {@code null}; {@code unchanged-toast-datum} (a TOASTed value the update did not change);
 * numbers ({@code smallint}, {@code integer}, {@code bigint}, {@code oid}, {@code real}, {@code double precision},
 * {@code numeric}) bare, as printed, {@code NaN} and {@code Infinity} included; {@code boolean} bare as
 * {@code true}/{@code false}, which pgoutput prints {@code t}/{@code f}; {@code bit} and {@code varbit} as
 * {@code B'0101'}; every other type (also domains over numbers and booleans, and arrays) in single quotes with inner
 * quotes doubled. A value in another form than its type's throws, naming the text. Stateless.
 */
final class TestDecodingValues {

    private TestDecodingValues() {
    }

    static TupleData.Value value(TestDecodingLine line, int typeOid) {
        if (line.consume("'")) {
            if (isBare(typeOid) || isBits(typeOid)) {
                throw line.error("a quoted value for type oid " + typeOid + ", which test_decoding prints unquoted");
            }
            return new TupleData.Text(line.quotedValue());
        }
        if (line.consume("B'")) {
            if (!isBits(typeOid)) {
                throw line.error("a B'…' value for type oid " + typeOid + ", which is not bit or varbit");
            }
            return new TupleData.Text(line.quotedValue());
        }
        String word = line.word();
        switch (word) {
            case "null":
                return new TupleData.Null();
            case "unchanged-toast-datum":
                return new TupleData.UnchangedToast();
            default:
                break;
        }
        if (typeOid == ValueConverter.BOOL) {
            return switch (word) {
                case "true" -> new TupleData.Text("t");
                case "false" -> new TupleData.Text("f");
                default -> throw line.error("a boolean that is neither true nor false: " + word);
            };
        }
        if (!isBare(typeOid)) {
            throw line.error("an unquoted value for type oid " + typeOid + ", which test_decoding prints quoted");
        }
        return new TupleData.Text(word);
    }

    /** The types {@code print_literal} prints without quotes (by the column's own type: not for domains). */
    private static boolean isBare(int typeOid) {
        return switch (typeOid) {
            case ValueConverter.INT2, ValueConverter.INT4, ValueConverter.INT8, ValueConverter.OID,
                    ValueConverter.FLOAT4, ValueConverter.FLOAT8, ValueConverter.NUMERIC, ValueConverter.BOOL -> true;
            default -> false;
        };
    }

    private static boolean isBits(int typeOid) {
        return typeOid == ValueConverter.BIT || typeOid == ValueConverter.VARBIT;
    }
}
