package io.tributary.shaping;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Function;

/**
 * Reads PostgreSQL's array text form into nested JSON arrays, converting each element with a function for the
 * element type.
 *
 * <p>The form ({@code array_out}): {@code {1,2,NULL}}; {@code {}} when empty; {@code {{1,2},{3,4}}} with one level of
 * braces per dimension, which become nested JSON arrays; elements are separated by the element type's delimiter
 * (',' for every built-in type but {@code box}, ';'). An element is double-quoted when it is empty, contains the
 * delimiter, braces, quotes, backslashes or white space, or is the word NULL; inside quotes {@code \"} and
 * {@code \\} (any backslash, in fact) escape the next character. An unquoted {@code NULL} is SQL NULL and becomes
 * JSON null; a quoted {@code "NULL"} is the text NULL. When a lower bound is not 1 the literal starts with the
 * dimensions, {@code [0:1]={7,8}}; JSON arrays have no lower bounds, so that prefix is checked and dropped.
 *
 * <p>Strict: unbalanced braces, an unterminated quote or text after the last brace throw
 * {@link InvalidValueException} naming the offset and the literal. Not thread-safe; one instance reads one literal.
 */
public final class ArrayLiteralParser {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final String text;
    private final char delimiter;
    private final Elements out;
    private int position;

    private ArrayLiteralParser(String text, char delimiter, Elements out) {
        this.text = text;
        this.delimiter = delimiter;
        this.out = out;
    }

    /** Where the parsed arrays and elements go, in order. */
    private interface Elements {
        void startArray() throws IOException;

        void endArray() throws IOException;

        /** A non-null element's text, unquoted and unescaped; null for SQL NULL. */
        void element(String element) throws IOException;
    }

    /**
     * @param text             the literal as PostgreSQL printed it
     * @param delimiter        the element type's {@code typdelim}
     * @param elementConverter turns the text of one non-null element into its JSON value
     */
    static ArrayNode parse(String text, char delimiter, Function<String, JsonNode> elementConverter) {
        Deque<ArrayNode> open = new ArrayDeque<>();
        ArrayNode[] root = new ArrayNode[1];
        Elements tree = new Elements() {
            @Override
            public void startArray() {
                ArrayNode array = NODES.arrayNode();
                if (open.isEmpty()) {
                    root[0] = array;
                } else {
                    open.peek().add(array);
                }
                open.push(array);
            }

            @Override
            public void endArray() {
                open.pop();
            }

            @Override
            public void element(String element) {
                open.peek().add(element == null ? NODES.nullNode() : elementConverter.apply(element));
            }
        };
        try {
            new ArrayLiteralParser(text, delimiter, tree).parseLiteral();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a tree writes nothing
        }
        return root[0];
    }

    /**
     * Writes the literal as nested JSON arrays straight into {@code out}: what {@link #parse} builds, without the tree.
     *
     * @param elementWriter writes the JSON value of one non-null element's text
     */
    static void write(JsonGenerator generator, String text, char delimiter, ValueWriter elementWriter)
            throws IOException {
        new ArrayLiteralParser(text, delimiter, new Elements() {
            @Override
            public void startArray() throws IOException {
                generator.writeStartArray();
            }

            @Override
            public void endArray() throws IOException {
                generator.writeEndArray();
            }

            @Override
            public void element(String element) throws IOException {
                if (element == null) {
                    generator.writeNull();
                } else {
                    elementWriter.write(generator, element);
                }
            }
        }).parseLiteral();
    }

    private void parseLiteral() throws IOException {
        skipDimensions();
        parseArray();
        skipWhitespace();
        if (position < text.length()) {
            throw error("unexpected " + describe(position) + " after the closing brace");
        }
    }

    /** {@code [1:2][0:3]=}: only present when some lower bound is not 1. */
    private void skipDimensions() {
        skipWhitespace();
        if (peek() != '[') {
            return;
        }
        while (peek() == '[') {
            int close = text.indexOf(']', position);
            if (close < 0 || !text.substring(position + 1, close).matches("[+-]?\\d+:[+-]?\\d+")) {
                throw error("malformed dimensions at offset " + position);
            }
            position = close + 1;
        }
        if (peek() != '=') {
            throw error("expected '=' after the dimensions, found " + describe(position));
        }
        position++;
        skipWhitespace();
    }

    /** One level of braces; the opening brace is next. */
    private void parseArray() throws IOException {
        expect('{');
        out.startArray();
        skipWhitespace();
        if (peek() == '}') {
            position++;
            out.endArray();
            return;
        }
        while (true) {
            skipWhitespace();
            char next = peek();
            if (next == '{') {
                parseArray();
            } else if (next == '"') {
                out.element(quotedElement());
            } else {
                out.element(unquotedElement());
            }
            skipWhitespace();
            if (position >= text.length()) {
                throw error("missing closing brace");
            }
            char separator = text.charAt(position++);
            if (separator == '}') {
                out.endArray();
                return;
            }
            if (separator != delimiter) {
                throw error("expected '" + delimiter + "' or '}' at offset " + (position - 1) + ", found '"
                        + separator + "'");
            }
        }
    }

    /** {@code "…"} with backslash escapes; the opening quote is next. */
    private String quotedElement() {
        int start = position;
        position++;
        StringBuilder element = new StringBuilder();
        while (position < text.length()) {
            char c = text.charAt(position++);
            if (c == '"') {
                return element.toString();
            }
            if (c == '\\') {
                if (position >= text.length()) {
                    break;
                }
                c = text.charAt(position++);
            }
            element.append(c);
        }
        throw error("unterminated quoted element starting at offset " + start);
    }

    /** Up to the delimiter or a closing brace, white space around it dropped; null for an unquoted NULL. */
    private String unquotedElement() {
        int start = position;
        StringBuilder element = new StringBuilder();
        boolean escaped = false;
        int significantLength = 0;
        while (position < text.length()) {
            char c = text.charAt(position);
            if (c == delimiter || c == '}') {
                break;
            }
            if (c == '{' || c == '"') {
                throw error("unexpected '" + c + "' inside an unquoted element at offset " + position);
            }
            position++;
            if (c == '\\') {
                if (position >= text.length()) {
                    throw error("backslash at the end");
                }
                element.append(text.charAt(position++));
                escaped = true;
                significantLength = element.length();
            } else {
                element.append(c);
                if (!Character.isWhitespace(c)) {
                    significantLength = element.length();
                }
            }
        }
        element.setLength(significantLength);
        if (element.length() == 0) {
            throw error("empty unquoted element at offset " + start);
        }
        String value = element.toString();
        return !escaped && value.equalsIgnoreCase("NULL") ? null : value;
    }

    private void expect(char wanted) {
        if (peek() != wanted) {
            throw error("expected '" + wanted + "' at offset " + position + ", found " + describe(position));
        }
        position++;
    }

    private char peek() {
        return position < text.length() ? text.charAt(position) : '\0';
    }

    private void skipWhitespace() {
        while (position < text.length() && Character.isWhitespace(text.charAt(position))) {
            position++;
        }
    }

    private String describe(int offset) {
        return offset < text.length() ? "'" + text.charAt(offset) + "'" : "the end";
    }

    private InvalidValueException error(String problem) {
        return new InvalidValueException("an array literal", text, problem);
    }
}
