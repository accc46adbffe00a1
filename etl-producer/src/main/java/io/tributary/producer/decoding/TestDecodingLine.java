package io.tributary.producer.decoding;

import io.tributary.model.Lsn;
import io.tributary.model.TableId;

/**
 * A cursor over one line of test_decoding output, reading the pieces its {@code contrib/test_decoding} prints:
 * identifiers as {@code quote_identifier} writes them (bare {@code [a-z_][a-z0-9_]*}, else in double quotes with
 * inner double quotes doubled), type names as {@code format_type} writes them, and column values as
 * {@code print_literal} writes them. Every mismatch throws {@link UndecodableMessageException} with the LSN, the
 * position and the text around it. Not thread-safe; one instance per line.
 */
final class TestDecodingLine {

    private static final int SHOWN_CHARS = 120;

    private final String text;
    private final Lsn lsn;
    private int position;

    TestDecodingLine(String text, Lsn lsn) {
        this.text = text;
        this.lsn = lsn;
    }

    boolean atEnd() {
        return position == text.length();
    }

    /** Whether the rest of the line starts with {@code literal}; consumes it if so. */
    boolean consume(String literal) {
        if (text.startsWith(literal, position)) {
            position += literal.length();
            return true;
        }
        return false;
    }

    /** Whether the rest of the line starts with {@code literal}, without consuming it. */
    boolean lookingAt(String literal) {
        return text.startsWith(literal, position);
    }

    void expect(String literal) {
        if (!consume(literal)) {
            throw error("expected '" + literal + "'");
        }
    }

    void expectEnd() {
        if (!atEnd()) {
            throw error("unexpected text at the end of the line");
        }
    }

    /** The rest of the line, consumed. */
    String rest() {
        String rest = text.substring(position);
        position = text.length();
        return rest;
    }

    /** {@code schema.table}, each part an identifier. */
    TableId qualifiedName() {
        String schema = identifier();
        expect(".");
        return new TableId(schema, identifier());
    }

    /** A bare identifier ({@code [a-z_][a-z0-9_]*}) or a double-quoted one with {@code ""} for a quote. */
    String identifier() {
        if (consume("\"")) {
            return quoted('"');
        }
        int start = position;
        while (position < text.length() && isBareIdentifierChar(text.charAt(position), position == start)) {
            position++;
        }
        if (position == start) {
            throw error("expected an identifier");
        }
        return text.substring(start, position);
    }

    /**
     * A type name as {@code format_type} prints it inside {@code [...]}: {@code integer}, {@code character varying},
     * {@code integer[]}, {@code "char"}, {@code "My Schema"."Odd Type"[]}. It ends at the first {@code ]:} outside
     * double quotes, which is consumed; the name is returned as printed (quotes kept), to be looked up as such.
     */
    String typeName() {
        int start = position;
        boolean inQuotes = false;
        while (position < text.length()) {
            char c = text.charAt(position);
            if (c == '"') {
                inQuotes = !inQuotes; // a doubled quote toggles twice: still inside
            } else if (!inQuotes && c == ']' && position + 1 < text.length() && text.charAt(position + 1) == ':') {
                String name = text.substring(start, position);
                position += 2;
                if (name.isEmpty()) {
                    throw error("empty type name");
                }
                return name;
            }
            position++;
        }
        position = start;
        throw error("a type name without its closing ']:'");
    }

    /** The text inside single quotes after the opening quote; {@code ''} stands for one quote. */
    String quotedValue() {
        return quoted('\'');
    }

    /** The text up to the next space or the end of the line: an unquoted value such as {@code 12.50} or {@code null}. */
    String word() {
        int start = position;
        while (position < text.length() && text.charAt(position) != ' ') {
            position++;
        }
        if (position == start) {
            throw error("expected a value");
        }
        return text.substring(start, position);
    }

    /** A decimal number up to the next space or the end, such as an xid. */
    long number() {
        int start = position;
        String digits = word();
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            position = start;
            throw error("expected a number");
        }
    }

    private String quoted(char quote) {
        StringBuilder out = new StringBuilder();
        int start = position;
        while (position < text.length()) {
            char c = text.charAt(position++);
            if (c != quote) {
                out.append(c);
            } else if (position < text.length() && text.charAt(position) == quote) {
                out.append(quote);
                position++;
            } else {
                return out.toString();
            }
        }
        position = start - 1;
        throw error("an unterminated " + (quote == '"' ? "quoted identifier" : "quoted value"));
    }

    private static boolean isBareIdentifierChar(char c, boolean first) {
        return c >= 'a' && c <= 'z' || c == '_' || !first && c >= '0' && c <= '9';
    }

    /** An error naming the LSN, the position and the text there (shortened when the line is long). */
    UndecodableMessageException error(String problem) {
        int from = Math.max(0, position - 20);
        int to = Math.min(text.length(), position + SHOWN_CHARS);
        String around = (from > 0 ? "…" : "") + text.substring(from, to) + (to < text.length() ? "…" : "");
        String start = text.length() <= SHOWN_CHARS ? text : text.substring(0, SHOWN_CHARS) + "… ("
                + text.length() + " characters)";
        return new UndecodableMessageException(lsn, "test_decoding line: " + problem + " at offset " + position
                + " (near '" + around + "') in '" + start + "'");
    }
}
