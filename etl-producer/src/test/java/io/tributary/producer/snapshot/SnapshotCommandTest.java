package io.tributary.producer.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.model.Lsn;
import io.tributary.model.TableId;
import io.tributary.producer.snapshot.SnapshotCommand.StatusLine;
import io.tributary.producer.snapshot.TableSnapshotLedger.Entry;
import io.tributary.producer.snapshot.TableSnapshotLedger.Status;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotCommandTest {

    @Test
    void barFillsInProportionAndCapsAtTheEstimate() {
        assertEquals("[----------]   0%", StatusLine.bar(0, 1000, 10));
        assertEquals("[#####-----]  50%", StatusLine.bar(500, 1000, 10));
        assertEquals("[##########] 100%", StatusLine.bar(1500, 1000, 10), "an estimate below the rows read");
        assertEquals("[##########] 100%", StatusLine.bar(10, -1, 10), "an unknown estimate");
    }

    @Test
    void aRunningTableShowsRowsOfTheEstimateAndAFailedOneItsError() {
        String running = StatusLine.of(entry(Status.RUNNING, 2_500, 10_000, null), 4);
        String failed = StatusLine.of(entry(Status.FAILED, 0, -1, "it has no primary key"), 4);

        assertTrue(running.contains("running") && running.contains("[#---]  25%")
                && running.contains("2,500 of ~10,000 rows") && running.contains("(operator request)"), running);
        assertTrue(failed.contains("failed") && failed.endsWith("error: it has no primary key"), failed);
    }

    @Test
    void withoutAConfigFileOrCommandItPrintsUsageAndExits2() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = SnapshotCommand.run(new String[] {"status"}, System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8));

        assertEquals(2, status);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("usage: snapshot.sh --producer-config"));
    }

    private static Entry entry(Status status, long rows, long estimated, String error) {
        return new Entry("slot", new TableId("shop", "orders"), status, "operator request", OffsetDateTime.now(),
                Lsn.of(10), List.of(), rows, estimated, error);
    }
}
