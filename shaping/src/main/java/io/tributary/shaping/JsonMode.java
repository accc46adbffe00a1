package io.tributary.shaping;

/** The JSON form of {@code json} and {@code jsonb} values. */
public enum JsonMode {

    /** The document itself, embedded in the row: Tributary's envelope. */
    EMBEDDED,

    /** A JSON string of the text PostgreSQL printed: how Debezium writes them ({@code io.debezium.data.Json}). */
    TEXT
}
