package io.tributary.pipeline.monitoring;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The metric names a PromQL expression reads: every identifier that is neither a function or aggregation (a name
 * followed by {@code (}, or an aggregation whose {@code by}/{@code without} clause comes first) nor a keyword. Label
 * matchers ({@code {…}}), ranges and subqueries ({@code […]}), label lists of {@code by}, {@code without},
 * {@code on}, {@code ignoring}, {@code group_left} and {@code group_right}, strings, numbers and durations,
 * comments and Grafana variables ({@code $job}, {@code ${job}}, {@code $__rate_interval}) are skipped. A selector
 * that names its metric only by {@code {__name__="…"}} is not seen; none of ours does.
 *
 * <p>Not a PromQL validator: it throws only for an unterminated string, brace or bracket, naming the expression.
 */
final class PromqlMetricNames {

    /** Aggregation operators and keywords, which PromQL reads in any case: not metric names wherever they stand. */
    private static final Set<String> KEYWORDS = Set.of(
            "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk",
            "quantile", "limitk", "limit_ratio",
            "by", "without", "on", "ignoring", "group_left", "group_right",
            "and", "or", "unless", "bool", "offset", "atan2", "inf", "nan");

    /** Keywords followed by a parenthesised list of label names. */
    private static final Set<String> LABEL_LIST_KEYWORDS = Set.of(
            "by", "without", "on", "ignoring", "group_left", "group_right");

    private final String expression;
    private int position;

    private PromqlMetricNames(String expression) {
        this.expression = expression;
    }

    /** @return the metric names {@code expression} reads, sorted */
    static Set<String> in(String expression) {
        return new PromqlMetricNames(expression).scan();
    }

    private Set<String> scan() {
        Set<String> names = new TreeSet<>();
        while (position < expression.length()) {
            char c = expression.charAt(position);
            if (c == '"' || c == '\'' || c == '`') {
                skipString(c);
            } else if (c == '{') {
                skipEnclosed('{', '}');
            } else if (c == '[') {
                skipEnclosed('[', ']');
            } else if (c == '#') {
                skipToEndOfLine();
            } else if (c == '$') {
                skipVariable();
            } else if (Character.isDigit(c) || c == '.' && nextIsDigit()) {
                skipWhile(PromqlMetricNames::isNumberPart);
            } else if (isIdentifierStart(c)) {
                String identifier = readIdentifier();
                String keyword = identifier.toLowerCase(Locale.ROOT);
                if (LABEL_LIST_KEYWORDS.contains(keyword)) {
                    skipOptionalLabelList();
                } else if (!KEYWORDS.contains(keyword) && !isFunctionCall()) {
                    names.add(identifier);
                }
            } else {
                position++;
            }
        }
        return names;
    }

    private void skipString(char quote) {
        int start = position++;
        while (position < expression.length()) {
            char c = expression.charAt(position++);
            if (c == '\\' && quote != '`') {
                position++;
            } else if (c == quote) {
                return;
            }
        }
        throw unterminated("string", start);
    }

    /** Skips from an opening {@code open} to its matching {@code close}; strings inside may hold either. */
    private void skipEnclosed(char open, char close) {
        int start = position++;
        while (position < expression.length()) {
            char c = expression.charAt(position);
            if (c == '"' || c == '\'' || c == '`') {
                skipString(c);
            } else if (c == open) {
                skipEnclosed(open, close);
            } else {
                position++;
                if (c == close) {
                    return;
                }
            }
        }
        throw unterminated("'" + open + "'", start);
    }

    private void skipToEndOfLine() {
        skipWhile(c -> c != '\n');
    }

    private void skipVariable() {
        position++;
        if (position < expression.length() && expression.charAt(position) == '{') {
            skipEnclosed('{', '}');
        } else {
            skipWhile(PromqlMetricNames::isIdentifierPart);
        }
    }

    private void skipOptionalLabelList() {
        skipWhitespace();
        if (position < expression.length() && expression.charAt(position) == '(') {
            skipEnclosed('(', ')');
        }
    }

    private boolean isFunctionCall() {
        skipWhitespace();
        return position < expression.length() && expression.charAt(position) == '(';
    }

    private String readIdentifier() {
        int start = position;
        skipWhile(PromqlMetricNames::isIdentifierPart);
        return expression.substring(start, position);
    }

    private void skipWhitespace() {
        skipWhile(Character::isWhitespace);
    }

    private void skipWhile(CharPredicate predicate) {
        while (position < expression.length() && predicate.test(expression.charAt(position))) {
            position++;
        }
    }

    private boolean nextIsDigit() {
        return position + 1 < expression.length() && Character.isDigit(expression.charAt(position + 1));
    }

    private IllegalArgumentException unterminated(String what, int start) {
        return new IllegalArgumentException("unterminated " + what + " at offset " + start + " of PromQL expression: "
                + expression);
    }

    private static boolean isIdentifierStart(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':';
    }

    private static boolean isIdentifierPart(char c) {
        return isIdentifierStart(c) || c >= '0' && c <= '9';
    }

    /** Digits, a decimal point, exponents, hex digits and duration units ({@code 1.5e3}, {@code 0x1f}, {@code 5m}). */
    private static boolean isNumberPart(char c) {
        return isIdentifierPart(c) || c == '.';
    }

    @FunctionalInterface
    private interface CharPredicate {
        boolean test(char c);
    }
}
