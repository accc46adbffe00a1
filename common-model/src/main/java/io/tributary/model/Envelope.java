package io.tributary.model;

import java.util.Locale;

/**
 * The shape change events take on the topic ({@code tributary.kafka.envelope}): Tributary's own
 * ({@link ChangeEventJson}) or Debezium's PostgreSQL connector's with JSON schemas disabled ({@link DebeziumEventJson}).
 * The subscriber reads both, record by record.
 */
public enum Envelope {
    /** Tributary's event: {@code op}, {@code source}, {@code key}, rows, {@code types}; key {@code {schema,table,key}}. */
    TRIBUTARY,
    /** Debezium's event: {@code before}, {@code after}, {@code source}, {@code op}, {@code ts_ms}; key the row's key. */
    DEBEZIUM;

    /** The setting's spelling, {@code tributary} or {@code debezium}. */
    public String setting() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the value and the accepted ones */
    public static Envelope fromSetting(String value) {
        for (Envelope envelope : values()) {
            if (envelope.setting().equals(value)) {
                return envelope;
            }
        }
        throw new IllegalArgumentException("unknown envelope '" + value + "' (expected tributary or debezium)");
    }
}
