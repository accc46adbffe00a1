package io.tributary.producer.decoding;

import java.util.Arrays;
import java.util.List;

/** The column values of one row in a pgoutput change message, in the relation's column order. */
public record TupleData(List<Value> values) {

    public TupleData {
        values = List.copyOf(values);
    }

    /** The first {@code count} values, each text or null for SQL NULL: a row read by a query, as a tuple. */
    public static TupleData ofTexts(String[] values, int count) {
        Value[] tuple = new Value[count];
        for (int i = 0; i < count; i++) {
            tuple[i] = values[i] == null ? NULL : new Text(values[i]);
        }
        return new TupleData(Arrays.asList(tuple));
    }

    private static final Value NULL = new Null();

    /** One column's value as pgoutput sends it. */
    public sealed interface Value {
    }

    /** 'n': SQL NULL. */
    public record Null() implements Value {
    }

    /** 'u': an unchanged TOASTed value that PostgreSQL did not send. */
    public record UnchangedToast() implements Value {
    }

    /** 't': the value in PostgreSQL's text output form. */
    public record Text(String text) implements Value {
    }
}
