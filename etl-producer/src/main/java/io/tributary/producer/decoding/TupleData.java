package io.tributary.producer.decoding;

import java.nio.charset.StandardCharsets;
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

    /**
     * 't': the value in PostgreSQL's text output form — as a String, or as the UTF-8 bytes of the message it came in
     * ({@code utf8[offset, offset + length)}), which the event's writer copies without decoding them when the type
     * keeps its text. Equal by text.
     *
     * @param text   the text; null when it is given as {@code utf8}
     * @param utf8   the message's bytes holding the text; null when it is given as {@code text}. Never modified.
     */
    public record Text(String text, byte[] utf8, int offset, int length) implements Value {

        public Text(String text) {
            this(java.util.Objects.requireNonNull(text, "text"), null, 0, 0);
        }

        /** The text held as {@code length} UTF-8 bytes of {@code utf8} from {@code offset}, not copied. */
        public static Text ofUtf8(byte[] utf8, int offset, int length) {
            return new Text(null, utf8, offset, length);
        }

        /** The text, decoded from the bytes when it is held as UTF-8. */
        @Override
        public String text() {
            return text != null ? text : new String(utf8, offset, length, StandardCharsets.UTF_8);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Text that && text().equals(that.text());
        }

        @Override
        public int hashCode() {
            return text().hashCode();
        }

        @Override
        public String toString() {
            return "Text[" + text() + "]";
        }
    }
}
