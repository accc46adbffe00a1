package io.tributary.documents;

/**
 * One pair of an {@code on} (or {@code to}) clause: column {@code outer} of the enclosing side equals column
 * {@code inner} of the joined side.
 */
public record ColumnPair(String outer, String inner) {
}
