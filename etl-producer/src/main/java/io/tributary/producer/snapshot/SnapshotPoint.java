package io.tributary.producer.snapshot;

import io.tributary.model.Lsn;
import io.tributary.producer.replication.ExportedSnapshot;
import java.time.Instant;

/**
 * Where every snapshot event says it comes from.
 *
 * @param database  the database, as in streamed events
 * @param version   the {@code source.lsn} of every snapshot row (see {@link #of})
 * @param commitLsn the slot's consistent point: the database state the rows were read in
 * @param startedAt when the snapshot started, the events' commit timestamp
 */
record SnapshotPoint(String database, Lsn version, Lsn commitLsn, Instant startedAt) {

    /**
     * The version of the snapshot's rows is the new slot's {@code restart_lsn} minus one.
     *
     * <p>Why: every change the slot will ever stream has an LSN at or after its {@code restart_lsn}, including the
     * changes of transactions that were already running when the snapshot was taken and commit later: their changes
     * can lie <em>before</em> the consistent point, so the consistent point would be wrong as a version (such a
     * change would look older than the snapshot row it replaces, and be dropped). And every change made before the
     * slot existed (streamed by an earlier, lost slot, or an interrupted snapshot's rows) has a lower LSN, so a
     * stale document from before is overwritten by the snapshot. Hence {@code restart_lsn - 1}: above everything
     * older, below everything the stream will send.
     */
    /**
     * The version of a sweep that follows this snapshot's rows: {@link #version} − 1, i.e. the slot's
     * {@code restart_lsn − 2} as an incremental snapshot's: below every row of this snapshot, above every document
     * written before the slot existed (a real change's LSN is 8-byte aligned, so no document has it exactly).
     */
    Lsn sweepVersion() {
        return Lsn.of(version.value() - 1);
    }

    static SnapshotPoint of(ExportedSnapshot exported, String database, Instant startedAt) {
        Lsn version = Lsn.of(exported.restartLsn().value() - 1);
        return new SnapshotPoint(database, version, exported.consistentPoint(), startedAt);
    }
}
