package io.tributary.subscriber.apply;

/**
 * Work that runs page by page (a fan-out of joined documents, a truncate's or sweep's marks) stopped between two
 * pages because its deadline passed or it was cancelled; what it wrote stays written, and a later run of the same
 * work finds only what is left.
 */
final class Overrun extends Exception {

    Overrun() {
        super(null, null, false, false);
    }
}
