package io.tributary.producer.decoding;

import java.util.List;

/** The column values of one row in a pgoutput change message, in the relation's column order. */
public record TupleData(List<Value> values) {

    public TupleData {
        values = List.copyOf(values);
    }

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
