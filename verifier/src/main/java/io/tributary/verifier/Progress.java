package io.tributary.verifier;

import java.io.PrintWriter;
import java.util.function.LongSupplier;

/**
 * The progress line on stderr while a table is verified: rows done out of PostgreSQL's estimate
 * ({@code pg_class.reltuples}), and the rate. On a terminal it is redrawn in place at most five times a second; when
 * stderr is not a terminal (a log file, CI), a plain line is written every ten seconds instead. Time comes from the
 * given clock, so tests step it. Not thread-safe: the verifying thread owns it.
 */
final class Progress {

    private static final long TERMINAL_INTERVAL_NANOS = 200_000_000L;
    private static final long LOG_INTERVAL_NANOS = 10_000_000_000L;
    private static final int BAR_WIDTH = 24;

    private final PrintWriter err;
    private final boolean terminal;
    private final LongSupplier nanoClock;
    private String table;
    private long estimate;
    private long done;
    private long startedNanos;
    private long shownNanos;
    private boolean lineOpen;

    /**
     * @param terminal  whether {@code err} is a terminal, where the line is redrawn in place
     * @param nanoClock {@link System#nanoTime} but in tests
     */
    Progress(PrintWriter err, boolean terminal, LongSupplier nanoClock) {
        this.err = err;
        this.terminal = terminal;
        this.nanoClock = nanoClock;
    }

    /** @param estimate the table's estimated row count; 0 or less when unknown (never analysed) */
    void start(String table, long estimate) {
        this.table = table;
        this.estimate = estimate;
        this.done = 0;
        this.startedNanos = nanoClock.getAsLong();
        this.shownNanos = startedNanos;
    }

    void advance(long rows) {
        done += rows;
        long now = nanoClock.getAsLong();
        if (now - shownNanos >= (terminal ? TERMINAL_INTERVAL_NANOS : LOG_INTERVAL_NANOS)) {
            shownNanos = now;
            show(now);
        }
    }

    /** Ends the table's line (on a terminal: clears it, the summary follows on stdout). */
    void finish() {
        if (terminal && lineOpen) {
            err.print("\r\033[K");
            err.flush();
        }
        lineOpen = false;
    }

    private void show(long now) {
        String line = line(table, done, estimate, now - startedNanos);
        if (terminal) {
            err.print("\r\033[K" + line);
            lineOpen = true;
        } else {
            err.println(line);
        }
        err.flush();
    }

    /**
     * {@code shop.orders [#########---------------] 1200/3000 rows  40%  600 rows/s}; without an estimate
     * {@code shop.orders 1200 rows  600 rows/s}. More rows than estimated show a full bar at 100%.
     */
    static String line(String table, long done, long estimate, long elapsedNanos) {
        long rate = elapsedNanos <= 0 ? 0 : Math.round(done * 1e9 / elapsedNanos);
        if (estimate <= 0) {
            return table + " " + done + " rows  " + rate + " rows/s";
        }
        int percent = (int) Math.min(100, done * 100 / estimate);
        int filled = percent * BAR_WIDTH / 100;
        return table + " [" + "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled) + "] " + done + "/" + estimate
                + " rows  " + percent + "%  " + rate + " rows/s";
    }
}
