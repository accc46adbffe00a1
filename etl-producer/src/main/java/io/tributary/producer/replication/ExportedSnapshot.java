package io.tributary.producer.replication;

import io.tributary.model.Lsn;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A slot just created with an exported snapshot: the database exactly as it was at the slot's consistent point,
 * which other sessions can import ({@code SET TRANSACTION SNAPSHOT}) to read the tables as the slot saw them.
 *
 * <p>The snapshot stays importable only while the replication connection that created the slot stays open and runs
 * nothing else, so this object holds that connection until {@link #close()}: close it once every reader has
 * imported the snapshot. Not thread-safe.
 */
public final class ExportedSnapshot implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ExportedSnapshot.class);

    private final SlotInfo slot;
    private final String snapshotName;
    private final Lsn restartLsn;
    private Connection exportingConnection;

    ExportedSnapshot(SlotInfo slot, String snapshotName, Lsn restartLsn, Connection exportingConnection) {
        this.slot = Objects.requireNonNull(slot, "slot");
        this.snapshotName = Objects.requireNonNull(snapshotName, "snapshotName");
        this.restartLsn = Objects.requireNonNull(restartLsn, "restartLsn");
        this.exportingConnection = exportingConnection;
    }

    /** The new slot; its confirmed position is the consistent point, where streaming begins. */
    public SlotInfo slot() {
        return slot;
    }

    /** The LSN from which the slot streams: every change it will ever send has an LSN at or after it. */
    public Lsn consistentPoint() {
        return slot.confirmedFlushLsn();
    }

    /** The slot's {@code restart_lsn} right after creation: the oldest WAL position it may still decode. */
    public Lsn restartLsn() {
        return restartLsn;
    }

    /** The name to import with {@code SET TRANSACTION SNAPSHOT}; valid until {@link #close()}. */
    public String snapshotName() {
        return snapshotName;
    }

    /** Ends the export: the snapshot can no longer be imported (transactions that imported it keep it). Idempotent. */
    @Override
    public void close() {
        if (exportingConnection == null) {
            return;
        }
        try {
            exportingConnection.close();
        } catch (SQLException e) {
            LOG.debug("closing the replication connection that exported snapshot {} of slot {} failed: {}",
                    snapshotName, slot.name(), e.getMessage());
        }
        exportingConnection = null;
    }
}
