package io.tributary.verifier;

/**
 * A document found by scanning an index, without its source.
 *
 * @param version its {@code _version}
 * @param routing its {@code _routing}; empty when it is routed by its id
 */
record IndexedId(String id, long version, String routing) {
}
