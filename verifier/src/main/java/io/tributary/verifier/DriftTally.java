package io.tributary.verifier;

import io.tributary.model.TableId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Counts what the verification of one table finds and keeps the first {@code maxReport} findings of each kind, so
 * memory stays bounded however much drift there is. Not thread-safe: one table's verification owns it.
 */
final class DriftTally {

    private final TableId table;
    private final String index;
    private final int maxReport;
    private final List<Drift> samples = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private long rows;
    private long missing;
    private long extra;
    private long different;
    private long repairsSent;

    DriftTally(TableId table, String index, int maxReport) {
        this.table = table;
        this.index = index;
        this.maxReport = maxReport;
    }

    void rowsRead(int count) {
        rows += count;
    }

    long rows() {
        return rows;
    }

    void found(Drift drift) {
        long seen;
        if (drift instanceof Drift.Missing) {
            seen = ++missing;
        } else if (drift instanceof Drift.Extra) {
            seen = ++extra;
        } else {
            seen = ++different;
        }
        if (seen <= maxReport) {
            samples.add(drift);
        }
    }

    void repairSent() {
        repairsSent++;
    }

    void note(String note) {
        notes.add(note);
    }

    TableReport report(long documents) {
        return new TableReport(table, index, Optional.empty(), rows, documents, missing, extra, different, samples,
                notes, repairsSent);
    }
}
