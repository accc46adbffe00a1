package io.tributary.shaping;

import io.tributary.config.SettingsReader;
import java.util.List;
import java.util.Locale;

/**
 * The JSON form of a {@code numeric} value. Either way it stays exact: never a double. {@code NaN} and
 * {@code ±Infinity} are strings in both modes.
 */
public enum NumericMode {

    /** A JSON string with the digits PostgreSQL printed, {@code "12.50"}: safe for readers that parse doubles. */
    STRING,

    /** A JSON number with exactly the digits PostgreSQL printed, {@code 12.50}. */
    NUMBER;

    /**
     * {@code tributary.postgres.numeric-mode}: the producer's, and the subscriber's for joined documents.
     *
     * @throws io.tributary.config.InvalidConfigException when it is neither {@code string} nor {@code number}
     */
    public static NumericMode read(SettingsReader read) {
        return valueOf(read.oneOf("tributary.postgres.numeric-mode", List.of("string", "number"))
                .toUpperCase(Locale.ROOT));
    }
}
