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
    TRUNCATE("t"),
    /**
     * Not a row change: an incremental snapshot of the table finished, so every row that exists was sent again at a
     * version above {@code source.lsn}. A reader that keeps versions removes every copy of the table's rows whose
     * version is below {@code source.lsn} (rows deleted while nothing was streamed, e.g. after a lost slot),
     * deleting it at version {@code source.lsn}. No key, no rows; see docs/design.md, "Incremental snapshots".
     */
    SWEEP("s");

    private final String code;

    Operation(String code) {
        this.code = code;
    }

    /** Whether the event is about one row (and has its key): false for a truncate and a sweep. */
    public boolean isRowChange() {
        return this != TRUNCATE && this != SWEEP;
    }

    @JsonValue
    public String code() {
        return code;
    }

    /** @throws IllegalArgumentException naming the code, when it is not one of c, u, d, r, t, s */
    @JsonCreator
    public static Operation fromCode(String code) {
        for (Operation operation : values()) {
            if (operation.code.equals(code)) {
                return operation;
            }
        }
        throw new IllegalArgumentException("unknown operation '" + code + "' (expected one of c, u, d, r, t, s)");
    }
}
