package io.tributary.bench;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/** Paces an open-loop writer: each transaction has a due time and starts then, or counts as late. Stateless. */
final class Pacing {

    /** How far behind its due time a transaction's start counts as late. */
    private static final long LATE_NANOS = 100_000_000L;

    private Pacing() {
    }

    /** Parks until {@code due} ({@link System#nanoTime()}); counts in {@code late} a start over 100 ms behind it. */
    static void awaitDue(long due, AtomicLong late) {
        long wait = due - System.nanoTime();
        if (wait > 0) {
            LockSupport.parkNanos(wait);
        } else if (wait < -LATE_NANOS) {
            late.incrementAndGet();
        }
    }
}
