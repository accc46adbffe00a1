package io.tributary.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressTest {

    @Test
    void theLineShowsRowsOfTheEstimateAndTheRate() {
        assertEquals("shop.orders [#########---------------] 1200/3000 rows  40%  600 rows/s",
                Progress.line("shop.orders", 1200, 3000, 2_000_000_000L));
        assertEquals("shop.orders [########################] 3500/3000 rows  100%  3500 rows/s",
                Progress.line("shop.orders", 3500, 3000, 1_000_000_000L));
        assertEquals("shop.orders 1200 rows  600 rows/s", Progress.line("shop.orders", 1200, -1, 2_000_000_000L));
    }

    @Test
    void aTerminalIsRedrawnAtMostFiveTimesASecondAndClearedAtTheEnd() {
        StringWriter err = new StringWriter();
        AtomicLong now = new AtomicLong();
        Progress progress = new Progress(new PrintWriter(err), true, now::get);
        progress.start("t", 100);

        progress.advance(10);
        assertEquals("", err.toString(), "nothing before 200 ms");
        now.addAndGet(250_000_000L);
        progress.advance(10);
        assertTrue(err.toString().endsWith("20/100 rows  20%  80 rows/s"), err.toString());
        progress.finish();
        assertTrue(err.toString().endsWith("\r\033[K"), "the line is cleared");
    }

    @Test
    void withoutATerminalAPlainLineEveryTenSeconds() {
        StringWriter err = new StringWriter();
        AtomicLong now = new AtomicLong();
        Progress progress = new Progress(new PrintWriter(err), false, now::get);
        progress.start("t", 0);

        now.addAndGet(5_000_000_000L);
        progress.advance(50);
        now.addAndGet(5_000_000_000L);
        progress.advance(50);
        progress.finish();

        assertEquals("t 100 rows  10 rows/s" + System.lineSeparator(), err.toString());
    }
}
