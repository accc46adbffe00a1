package io.tributary.shaping;

import java.util.Objects;

/**
 * One column of a table as its rows are converted, whichever way the table was described: by pgoutput's Relation
 * message, test_decoding's catalog query, or the verifier's.
 *
 * @param typeOid      the column's type
 * @param typeModifier {@code atttypmod}; -1 when the type has none
 * @param key          whether the column is part of the key the change events carry ({@link KeyRule})
 */
public record TableColumn(String name, int typeOid, int typeModifier, boolean key) {

    public TableColumn {
        Objects.requireNonNull(name, "name");
    }
}
