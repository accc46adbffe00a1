package io.tributary.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What happened to a row, written as one letter in the event's JSON form (the letters Debezium users know). */
public enum Operation {
    /** A row was inserted. */
    CREATE("c"),
    /** A row was updated. */
    UPDATE("u"),
    /** A row was deleted. */
    DELETE("d"),
    /** A row was read by a snapshot (it existed before streaming began). */
    READ("r"),
    /** The whole table was truncated. */
    TRUNCATE("t");

    private final String code;

    Operation(String code) {
        this.code = code;
    }

    @JsonValue
    public String code() {
        return code;
    }

    /** @throws IllegalArgumentException naming the code, when it is not one of c, u, d, r, t */
    @JsonCreator
    public static Operation fromCode(String code) {
        for (Operation operation : values()) {
            if (operation.code.equals(code)) {
                return operation;
            }
        }
        throw new IllegalArgumentException("unknown operation '" + code + "' (expected one of c, u, d, r, t)");
    }
}
