package io.tributary.verifier;

import io.tributary.model.TableId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Counts what the verification of one table (or joined document type) finds and keeps the first {@code maxReport}
 * findings of each kind, so memory stays bounded however much drift there is. Not thread-safe: one table's
 * verification owns it.
 */
final class DriftTally {

    private final TableId table;
    private final Optional<String> document;
    private final String index;
    private final int maxReport;
    private final List<Drift> samples = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private long rows;
    private long missing;
    private long extra;
    private long different;
    private long repairsSent;
    private long repairsSuperseded;

    DriftTally(TableId table, String index, int maxReport) {
        this(table, Optional.empty(), index, maxReport);
    }

    private DriftTally(TableId table, Optional<String> document, String index, int maxReport) {
        this.table = table;
        this.document = document;
        this.index = index;
        this.maxReport = maxReport;
    }

    /** The tally of joined document type {@code document}, whose root table is {@code root}. */
    static DriftTally ofDocument(String document, TableId root, String index, int maxReport) {
        return new DriftTally(root, Optional.of(document), index, maxReport);
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

    /** A repair that was not written: Elasticsearch held a newer version by then (the subscriber's). */
    void repairSuperseded() {
        repairsSuperseded++;
    }

    void note(String note) {
        notes.add(note);
    }

    TableReport report(long documents) {
        List<String> allNotes = new ArrayList<>(notes);
        if (repairsSuperseded > 0) {
            allNotes.add(repairsSuperseded + " repairs not written: a newer version was stored by then");
        }
        return new TableReport(table, document, index, Optional.empty(), rows, documents, missing, extra, different,
                samples, allNotes, repairsSent);
    }
}
