package io.tributary.localstack;

import java.time.Duration;
import java.util.function.Supplier;

/** Waits for a condition by polling it until a deadline. Stateless and thread-safe. */
public final class Poll {

    /** One look at the condition; may throw, which counts as "not yet" and is kept as the last failure. */
    @FunctionalInterface
    public interface Check {
        boolean passes() throws Exception;
    }

    private Poll() {
    }

    /** As {@link #until(String, Duration, Duration, Check, Supplier)} with no diagnostics. */
    public static void until(String what, Duration timeout, Duration interval, Check check) {
        until(what, timeout, interval, check, () -> "");
    }

    /**
     * Polls {@code check} every {@code interval} until it passes. Throws {@link LocalStackException} naming
     * {@code what}, the timeout, the last failure and {@code diagnostics} (e.g. a log tail) when {@code timeout}
     * passes first; throws at once if the thread is interrupted (restoring the flag).
     */
    public static void until(String what, Duration timeout, Duration interval, Check check,
                             Supplier<String> diagnostics) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception lastFailure = null;
        while (true) {
            try {
                if (check.passes()) {
                    return;
                }
            } catch (LocalStackException e) {
                throw e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LocalStackException("interrupted while waiting for " + what, e);
            } catch (Exception e) {
                lastFailure = e;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                String cause = lastFailure == null ? "" : " (last failure: " + lastFailure + ")";
                throw new LocalStackException(
                        "timed out after " + timeout.toSeconds() + " s waiting for " + what + cause + diagnostics.get(),
                        lastFailure);
            }
            sleep(Math.min(left, interval.toNanos()), what);
        }
    }

    private static void sleep(long nanos, String what) {
        try {
            Thread.sleep(Duration.ofNanos(nanos).toMillis() + 1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalStackException("interrupted while waiting for " + what, e);
        }
    }
}
