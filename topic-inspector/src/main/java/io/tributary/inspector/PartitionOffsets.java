package io.tributary.inspector;

/**
 * A partition's extent.
 *
 * @param start the offset of its oldest record still kept (log start)
 * @param end   the offset the next record will get (log end)
 */
record PartitionOffsets(int partition, long start, long end) {

    long records() {
        return end - start;
    }

    /** Where reading the last {@code count} records starts. */
    long lastRecordsFrom(long count) {
        return Math.max(start, end - count);
    }
}
