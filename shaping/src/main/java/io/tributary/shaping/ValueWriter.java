package io.tributary.shaping;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/**
 * Writes one column's value, given in PostgreSQL's text form, straight into a JSON document being generated: the
 * streaming form of {@link ValueConverter#convert}, chosen once per column by {@link ValueConverter#writerFor}, so a
 * row is converted on its way into bytes without a tree per value. Both forms write the same JSON.
 */
@FunctionalInterface
public interface ValueWriter {

    /**
     * @param out  the generator, positioned where the value goes (after its field name)
     * @param text the value in PostgreSQL's text form (never SQL NULL)
     * @throws IllegalArgumentException naming the text when it does not fit the type, as {@link ValueConverter#convert}
     * @throws IOException              what the generator throws
     */
    void write(JsonGenerator out, String text) throws IOException;
}
