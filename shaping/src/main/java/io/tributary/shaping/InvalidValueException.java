package io.tributary.shaping;

/**
 * A column value whose text does not fit its type. The message names the type and the offending text (shortened
 * when long); the caller adds the table, the column and the LSN.
 */
public final class InvalidValueException extends IllegalArgumentException {

    private static final int SHOWN_CHARS = 200;

    /** @param expected what the text should have been, with its article: "an interval", "a boolean" */
    InvalidValueException(String expected, String text) {
        super("not " + expected + ": " + quote(text));
    }

    /** @param problem what exactly is wrong, e.g. "unterminated quoted element at offset 7" */
    InvalidValueException(String expected, String text, String problem) {
        super("not " + expected + " (" + problem + "): " + quote(text));
    }

    InvalidValueException(String expected, String text, String problem, Throwable cause) {
        super("not " + expected + " (" + problem + "): " + quote(text), cause);
    }

    /** The text in single quotes, cut to its first {@value #SHOWN_CHARS} characters. */
    static String quote(String text) {
        return text.length() <= SHOWN_CHARS ? "'" + text + "'"
                : "'" + text.substring(0, SHOWN_CHARS) + "…' (" + text.length() + " characters)";
    }
}
