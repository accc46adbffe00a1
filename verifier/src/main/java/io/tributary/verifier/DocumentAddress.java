package io.tributary.verifier;

/**
 * Where the subscriber puts a row's document in its index or alias.
 *
 * @param routing the routing value; empty when the document is routed by its id
 */
record DocumentAddress(String id, String routing) {
}
