package io.tributary.producer.stream;

import java.time.Clock;
import java.util.function.BooleanSupplier;

/** How {@link StreamLoop} waits: for real in production, on a fake clock in unit tests (which never sleep). */
@FunctionalInterface
interface Sleeper {

    void sleep(long millis) throws InterruptedException;

    /** Sleeps in short slices, returning early once {@code stopRequested} turns true. */
    static Sleeper untilStopped(Clock clock, BooleanSupplier stopRequested) {
        return millis -> {
            long until = clock.millis() + millis;
            while (!stopRequested.getAsBoolean() && clock.millis() < until) {
                Thread.sleep(Math.min(50, Math.max(1, until - clock.millis())));
            }
        };
    }
}
