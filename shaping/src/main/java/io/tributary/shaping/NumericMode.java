package io.tributary.shaping;

/**
 * The JSON form of a {@code numeric} value. Either way it stays exact: never a double. {@code NaN} and
 * {@code ±Infinity} are strings in both modes.
 */
public enum NumericMode {

    /** A JSON string with the digits PostgreSQL printed, {@code "12.50"}: safe for readers that parse doubles. */
    STRING,

    /** A JSON number with exactly the digits PostgreSQL printed, {@code 12.50}. */
    NUMBER
}
