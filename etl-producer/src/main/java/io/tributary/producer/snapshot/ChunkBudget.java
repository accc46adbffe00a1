package io.tributary.producer.snapshot;

/**
 * Bounds the estimated bytes of the chunks (batches of rows) the initial snapshot holds between reading them and
 * having handed their events to Kafka (read, being encoded, encoded and waiting): a reader takes a batch's bytes
 * before handing it on and the publishing stage gives them back once it sent the batch. So the chunks in memory are bounded by the heap, not
 * by the table, the chunk size or how many threads encode.
 *
 * <p>A chunk larger than the whole budget is let through when nothing else is held, so a table of very wide rows
 * still moves, one chunk at a time. Thread-safe.
 */
final class ChunkBudget {

    /**
     * The share of the heap the chunks may take. The rest is for the Kafka producer (the unacknowledged events and
     * its buffers), the page each reader holds, the JVM's own objects, and the room G1 needs: chunks live long enough
     * to be promoted, so a larger share fills the old generation with chunks already sent faster than concurrent
     * marking frees it, and G1 falls back to full collections (measured at -Xmx256m with a quarter, and now and then
     * with an eighth on a loaded machine). The chunks are encoded in batches of
     * {@value InitialSnapshot#ENCODING_BATCH_ROWS} rows, so a sixteenth (16 MiB at -Xmx256m) still keeps every
     * encoding thread busy.
     */
    static final int HEAP_DIVISOR = 16;

    private final long limitBytes;
    private long heldBytes;

    ChunkBudget(long limitBytes) {
        if (limitBytes < 1) {
            throw new IllegalArgumentException("the chunk budget must be positive, got " + limitBytes);
        }
        this.limitBytes = limitBytes;
    }

    /** The budget in a JVM whose heap may grow to {@code maxHeapBytes}: a sixteenth of it. */
    static ChunkBudget forHeap(long maxHeapBytes) {
        return new ChunkBudget(Math.max(1, maxHeapBytes / HEAP_DIVISOR));
    }

    long limitBytes() {
        return limitBytes;
    }

    /**
     * Takes {@code bytes} once they fit beside what is held (or nothing is held), waiting at most
     * {@code timeoutMillis}.
     *
     * @return whether they were taken; if not, the caller checks whether to go on waiting
     */
    synchronized boolean tryTake(long bytes, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        long remaining;
        while (!fits(bytes)) {
            if ((remaining = deadline - System.nanoTime()) <= 0) {
                return false;
            }
            wait(Math.max(1, remaining / 1_000_000L));
        }
        heldBytes += bytes;
        return true;
    }

    /** Gives back what {@link #tryTake} took for a chunk that was sent (or dropped). */
    synchronized void giveBack(long bytes) {
        heldBytes -= bytes;
        notifyAll();
    }

    synchronized long heldBytes() {
        return heldBytes;
    }

    private boolean fits(long bytes) {
        return heldBytes == 0 || heldBytes + bytes <= limitBytes;
    }
}
