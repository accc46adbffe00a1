package io.tributary.shaping;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Reads the text form of the {@code hstore} extension type into a JSON object whose values are strings or nulls.
 *
 * <p>The form ({@code hstore_out}): {@code "key"=>"value", "other"=>NULL}; pairs separated by a comma and a space;
 * keys and values double-quoted with {@code \"} and {@code \\} escaped by a backslash; an unquoted {@code NULL}
 * value is SQL NULL (a quoted {@code "NULL"} is the text); the empty hstore is the empty text. Unquoted keys and
 * values (accepted by {@code hstore_in}) are read too. A key that appears twice keeps its first value, as in hstore.
 *
 * <p>Strict: anything else throws {@link InvalidValueException} naming the offset and the text. Not thread-safe;
 * one instance reads one value.
 */
public final class HstoreParser {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final String text;
    private int position;

    private HstoreParser(String text) {
        this.text = text;
    }

    static ObjectNode parse(String text) {
        return new HstoreParser(text).parsePairs();
    }

    private ObjectNode parsePairs() {
        ObjectNode object = NODES.objectNode();
        skipWhitespace();
        while (position < text.length()) {
            Token key = token('=');
            if (key.isNull()) {
                throw error("a key cannot be NULL (offset " + position + ")");
            }
            skipWhitespace();
            if (!text.startsWith("=>", position)) {
                throw error("expected '=>' at offset " + position);
            }
            position += 2;
            skipWhitespace();
            Token value = token(',');
            if (!object.has(key.text())) {
                object.set(key.text(), value.isNull() ? NODES.nullNode() : NODES.textNode(value.text()));
            }
            skipWhitespace();
            if (position < text.length()) {
                if (text.charAt(position) != ',') {
                    throw error("expected ',' at offset " + position);
                }
                position++;
                skipWhitespace();
                if (position >= text.length()) {
                    throw error("a pair is missing after the last comma");
                }
            }
        }
        return object;
    }

    /** A key or value: quoted, or unquoted up to white space or {@code end}. */
    private Token token(char end) {
        int start = position;
        boolean quoted = position < text.length() && text.charAt(position) == '"';
        if (quoted) {
            position++;
        }
        StringBuilder token = new StringBuilder();
        while (position < text.length()) {
            char c = text.charAt(position);
            if (quoted ? c == '"' : Character.isWhitespace(c) || c == end || c == '"') {
                break;
            }
            position++;
            if (c == '\\') {
                if (position >= text.length()) {
                    throw error("backslash at the end");
                }
                c = text.charAt(position++);
            }
            token.append(c);
        }
        if (quoted) {
            if (position >= text.length()) {
                throw error("unterminated quote starting at offset " + start);
            }
            position++;
        } else if (position == start) {
            throw error("expected a key or value at offset " + start);
        }
        return new Token(token.toString(), quoted);
    }

    private void skipWhitespace() {
        while (position < text.length() && Character.isWhitespace(text.charAt(position))) {
            position++;
        }
    }

    private InvalidValueException error(String problem) {
        return new InvalidValueException("an hstore", text, problem);
    }

    private record Token(String text, boolean quoted) {

        boolean isNull() {
            return !quoted && text.equalsIgnoreCase("NULL");
        }
    }
}
