package io.tributary.config;

import java.util.Objects;

/**
 * A password, API key or token from the configuration. {@link #toString()} never shows it, so a settings record
 * holding one can be logged or put in an exception message as it is; only {@link #reveal()} gives the value, to the
 * one place that hands it to a client library. Immutable and thread-safe.
 */
public final class Secret {

    /** No secret configured. */
    public static final Secret NONE = new Secret("");

    private final String value;

    private Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    /** {@code value} as a secret; the empty string is {@link #NONE}. */
    public static Secret of(String value) {
        return value.isEmpty() ? NONE : new Secret(value);
    }

    public boolean isEmpty() {
        return value.isEmpty();
    }

    /** The value itself: hand it to the client that needs it, never to a log line or a message. */
    public String reveal() {
        return value;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Secret secret && secret.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    /** {@code "(none)"} or {@code "******"}: never the value, nor its length. */
    @Override
    public String toString() {
        return value.isEmpty() ? "(none)" : "******";
    }
}
