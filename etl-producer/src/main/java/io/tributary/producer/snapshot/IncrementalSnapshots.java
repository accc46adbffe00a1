package io.tributary.producer.snapshot;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tributary.model.ChangeEvent;
import io.tributary.model.ChangeRecord;
import io.tributary.model.Lsn;
import io.tributary.model.Operation;
import io.tributary.model.TableId;
import io.tributary.producer.decoding.ReplicationMessage.LogicalMessage;
import io.tributary.shaping.source.PostgresEndpoint;
import io.tributary.producer.replication.ReplicationErrors;
import io.tributary.producer.snapshot.TableSnapshotLedger.Entry;
import io.tributary.producer.snapshot.TableSnapshotLedger.Status;
import io.tributary.shaping.ValueConverter;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-reads tables while streaming goes on, chunk by chunk, in the stream session's own thread (the DBLog approach):
 * write a low watermark into the WAL, read one keyset chunk, write a high watermark, and keep streaming; rows the
 * stream changes between the two watermarks are dropped from the chunk ({@link ChunkWindow}), and the rest is
 * published when the high watermark comes by in the stream, through the session's publisher, so in every partition a
 * chunk row stands where the database state it shows belongs.
 *
 * <p>Which tables, and how far each got, is kept in {@link TableSnapshotLedger}: a table new to the slot, an
 * operator's request ({@code scripts/snapshot.sh request}) and every table after a lost slot
 * ({@code on-slot-loss = resnapshot}). Progress is saved after Kafka acknowledged each chunk, so a crash resumes after
 * the last acknowledged chunk. When a table's last chunk is out, a {@link Operation#SWEEP} event at the table's sweep
 * version follows, so the subscriber deletes the documents of rows that no longer exist.
 *
 * <p><b>Versions.</b> A chunk's rows get {@code source.lsn} = the slot's {@code restart_lsn} read just before the
 * chunk, minus one: every change the read does not see commits later, and the slot keeps {@code restart_lsn} at or
 * below every change of a transaction it has not confirmed, so those changes win in Elasticsearch whatever order they
 * arrive in; every change the read sees is either already reflected by the row or older. The sweep version is
 * {@code restart_lsn − 2} when the table's first chunk is read: every chunk row of the table is above it, so the
 * sweep never deletes a row the snapshot sent, and a row it deleted too early (partition-by = key) is recreated.
 *
 * <p>Memory: one chunk. A chunk starts only when no window is open and fewer than half of
 * {@code max-unacknowledged-events} wait for Kafka. Not thread-safe: run by the replication thread.
 */
public final class IncrementalSnapshots implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IncrementalSnapshots.class);
    /** How often the ledger is looked at for new requests while nothing is being snapshotted. */
    private static final Duration REQUEST_POLL = Duration.ofSeconds(2);
    /** The reason recorded for every table after a lost slot. */
    public static final String SLOT_LOST_REASON = "slot lost";
    /** SQLSTATE 42501: the role may not create the ledger. */
    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    private final Setup setup;
    private final TableSnapshotLedger ledger;
    private final SnapshotProgress progress;
    private final Clock clock;
    private final AtomicInteger activeGauge = new AtomicInteger();
    private final Counter chunks;
    private final Counter droppedRows;
    private final WatermarkedChunkReader reader;
    private ActiveTable active;
    private ChunkWindow window;
    private long nextPollMillis;
    private Set<TableId> streamedLeaves = Set.of();
    /** False when the ledger cannot be created (no CREATE on the database): streaming goes on without snapshots. */
    private boolean ledgerAvailable = true;

    /**
     * What an incremental snapshot needs to know.
     *
     * @param streamed          the producer's tables (leaf partitions for partitioned ones are snapshotted each)
     * @param snapshotNewTables whether a table new to the slot is snapshotted (false under {@code mode = never})
     * @param watermarksVisible whether the stream shows logical messages (pgoutput before PostgreSQL 14 does not):
     *                          without them no chunk is ever read, and pending work is only warned about
     */
    public record Setup(PostgresEndpoint endpoint, String database, String slot, List<TableId> streamed,
                        ValueConverter converter, int chunkSize, boolean snapshotNewTables,
                        boolean watermarksVisible) {

        public Setup {
            streamed = List.copyOf(streamed);
        }
    }

    /** Publishes events where the stream stands, and returns once Kafka acknowledged them. */
    @FunctionalInterface
    public interface ChunkPublisher {
        /** @param position the stream position they are published at (the high watermark's) */
        void publishAt(Lsn position, List<ChangeEvent> events) throws InterruptedException;
    }

    /** @param progress shared with the initial snapshot, whose gauges it fills too ({@link InitialSnapshot#progress}) */
    IncrementalSnapshots(Setup setup, SnapshotProgress progress, MeterRegistry metrics, Clock clock) {
        this.setup = setup;
        this.ledger = new TableSnapshotLedger(setup.endpoint());
        this.reader = new WatermarkedChunkReader(setup, clock);
        this.progress = progress;
        this.clock = clock;
        Gauge.builder("tributary.producer.snapshot.incremental.active", activeGauge, AtomicInteger::get)
                .description("1 while a table is being snapshotted incrementally (while streaming), else 0")
                .register(metrics);
        this.chunks = Counter.builder("tributary.producer.snapshot.incremental.chunks")
                .description("Chunks of incremental snapshots published").register(metrics);
        this.droppedRows = Counter.builder("tributary.producer.snapshot.incremental.dropped.rows")
                .description("Chunk rows left out because the stream changed them while the chunk was read")
                .register(metrics);
    }

    /** Incremental snapshots that fill the initial snapshot's progress logs and gauges too. */
    public static IncrementalSnapshots create(Setup setup, InitialSnapshot initial, MeterRegistry metrics) {
        return new IncrementalSnapshots(setup, initial.progress(), metrics, Clock.systemUTC());
    }

    /**
     * A stream session begins: the table being read is picked up again from the ledger (a chunk whose window was open
     * is read again: its progress was not saved; a lost slot may have reset every table meanwhile), and the tables
     * the slot streams are registered; a table new to the slot gets a pending snapshot.
     */
    public void sessionStarted() throws SQLException {
        abandonWindow();
        if (active != null) {
            finishTable();
        }
        List<TableId> leaves = SnapshotPlanner.leaves(setup.endpoint(), setup.streamed());
        streamedLeaves = Set.copyOf(leaves);
        List<TableId> added;
        try {
            added = ledger.register(setup.slot(), leaves, setup.snapshotNewTables());
            ledgerAvailable = true;
        } catch (SQLException e) {
            if (!INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())) {
                throw e;
            }
            ledgerAvailable = false;
            LOG.warn("incremental snapshots are off for slot {} (new tables, scripts/snapshot.sh requests): {}",
                    setup.slot(), e.getMessage());
            return;
        }
        if (!added.isEmpty()) {
            LOG.info("tables new to slot {}: {}; their existing rows are read while streaming goes on"
                    + " (incremental snapshot)", setup.slot(), added);
        }
        nextPollMillis = 0;
    }

    /**
     * A change the stream is about to publish: it may drop rows of the open chunk.
     *
     * @return what to publish instead: the change, completed from the chunk when it left unchanged TOAST columns out
     *         ({@link ChunkWindow#observe})
     */
    public ChangeRecord observe(ChangeRecord change) {
        return window != null ? window.observe(change) : change;
    }

    /**
     * A logical message of the stream: the open chunk's low watermark opens its window, its high watermark
     * publishes what is left of the chunk (and the sweep marker after a table's last chunk) through {@code out}.
     */
    public void onMessage(LogicalMessage message, ChunkPublisher out) throws SQLException, InterruptedException {
        Optional<Watermark> mark = Watermark.parse(message.prefix(), message.content());
        if (mark.isEmpty() || window == null || !mark.get().slot().equals(setup.slot())
                || !mark.get().window().equals(window.id())) {
            return; // another producer's, or a window given up with an ended session
        }
        if (mark.get().mark() == Watermark.Mark.LOW) {
            window.markLowWatermarkSeen();
            return;
        }
        if (!window.lowWatermarkSeen()) {
            LOG.warn("the high watermark of chunk {} of {} came without its low one; reading the chunk again",
                    window.id(), window.table());
            abandonWindow();
            return;
        }
        publishChunk(message.lsn(), out);
    }

    /**
     * Starts the next chunk when none is open, work is waiting and Kafka keeps up; logs progress at its cadence.
     *
     * @param unacknowledgedEvents events the session waits on Kafka for
     * @param maxUnacknowledgedEvents the session's limit
     */
    public void advance(long unacknowledgedEvents, long maxUnacknowledgedEvents) throws SQLException {
        long now = clock.millis();
        progress.logIfDue(now);
        if (!ledgerAvailable || window != null || now < nextPollMillis
                || unacknowledgedEvents * 2 >= maxUnacknowledgedEvents) {
            return;
        }
        try {
            if (active == null) {
                active = nextTable(now).orElse(null);
                if (active == null) {
                    nextPollMillis = now + REQUEST_POLL.toMillis();
                    return;
                }
            }
            startChunk();
        } catch (SQLException e) {
            reader.close();
            if (ReplicationErrors.isRetriable(e) || active == null) {
                throw e;
            }
            fail(active, "reading a chunk failed: " + e.getMessage());
        } catch (IllegalStateException | IllegalArgumentException e) {
            if (active == null) {
                throw e;
            }
            fail(active, e.getMessage());
        }
    }

    /** The table to work on, planned; tables that cannot be snapshotted incrementally are marked failed. */
    private Optional<ActiveTable> nextTable(long now) throws SQLException {
        while (true) {
            Optional<Entry> next = ledger.next(reader.connection(), setup.slot());
            if (next.isEmpty()) {
                return Optional.empty();
            }
            Entry entry = next.get();
            if (!setup.watermarksVisible()) {
                LOG.warn("an incremental snapshot of {} is pending ({}), but pgoutput shows the stream's watermarks"
                        + " (logical messages) only from PostgreSQL 14 on; upgrade, use plugin test_decoding, or"
                        + " create the slot anew (its initial snapshot covers every table)", entry.table(),
                        entry.reason());
                nextPollMillis = now + Duration.ofMinutes(1).toMillis();
                return Optional.empty();
            }
            if (!streamedLeaves.contains(entry.table())) {
                String refusal = "it is not one of the tables this producer streams (tributary.postgres.tables)";
                ledger.markFailed(reader.connection(), entry, refusal);
                LOG.error("incremental snapshot of {} refused: {}", entry.table(), refusal);
                continue;
            }
            List<SnapshotTable> planned;
            try {
                planned = SnapshotPlanner.plan(setup.endpoint(), List.of(entry.table()));
            } catch (SQLException e) {
                if (ReplicationErrors.isRetriable(e)) {
                    throw e;
                }
                ledger.markFailed(reader.connection(), entry, "it cannot be described (" + e.getMessage() + ")");
                LOG.error("incremental snapshot of {} refused: it cannot be described: {}", entry.table(),
                        e.getMessage());
                continue;
            }
            if (planned.size() != 1 || !planned.get(0).table().equals(entry.table())) {
                ledger.markFailed(reader.connection(), entry, "it is a partitioned table: its partitions are snapshotted"
                        + " each (scripts/snapshot.sh request records them when given the partitioned table)");
                continue;
            }
            SnapshotTable table = planned.get(0);
            if (!table.pagedByKey()) {
                ledger.markFailed(reader.connection(), entry, "it has no primary key or replica identity index to read it"
                        + " in chunks by; add one, or take a new initial snapshot (a new slot) to include it");
                LOG.error("incremental snapshot of {} refused: no primary key or replica identity index",
                        entry.table());
                continue;
            }
            ActiveTable started = new ActiveTable(entry, table, entry.sweepVersion(), entry.lastKey(), entry.rows());
            String resumed = entry.status() == Status.RUNNING
                    ? ", resuming after " + entry.lastKey() + " with " + entry.rows() + " rows done" : "";
            String line = "incremental snapshot of " + entry.table() + " (" + entry.reason() + ") begins, chunks of "
                    + setup.chunkSize() + " rows" + resumed;
            if (entry.reason().startsWith(SLOT_LOST_REASON)) {
                LOG.warn("{}: repairing the gap the lost slot left", line);
            } else {
                LOG.info("{}", line);
            }
            progress.begin(List.of(table), now);
            progress.published(table.table(), (int) Math.min(Integer.MAX_VALUE, entry.rows()), now);
            activeGauge.set(1);
            return Optional.of(started);
        }
    }


    /** Reads the active table's next chunk between its watermarks; the window then waits for the stream. */
    private void startChunk() throws SQLException {
        WatermarkedChunkReader.WatermarkedChunk read = reader.read(active.table(), active.lastKey());
        if (active.sweepVersion() == null) {
            active = active.withSweepVersion(Lsn.of(read.restartLsn().value() - 2));
            if (!ledger.markRunning(reader.connection(), active.entry(), active.sweepVersion(),
                    active.table().estimatedRows())) {
                finishTable(); // requested anew meanwhile: picked up again from the ledger
                return;
            }
        }
        window = read.window();
    }

    private void publishChunk(Lsn position, ChunkPublisher out) throws SQLException, InterruptedException {
        ChunkWindow closing = window;
        window = null;
        ReadChunk chunk = closing.chunk();
        List<ChangeEvent> events = closing.remainingRows();
        if (chunk.last()) {
            events.add(SweepEvent.of(setup.database(), chunk.table().table(), active.sweepVersion(), clock.instant()));
        }
        out.publishAt(position, events);
        chunks.increment();
        droppedRows.increment(closing.droppedRows());
        long now = clock.millis();
        progress.published(chunk.table().table(), chunk.events().size(), now);
        long rows = active.rows() + chunk.events().size();
        try {
            boolean stillRequested = chunk.last() ? ledger.markDone(reader.connection(), active.entry(), rows)
                    : ledger.saveProgress(reader.connection(), active.entry(), chunk.lastKey(), rows);
            if (!stillRequested) {
                LOG.info("the snapshot of {} was requested anew while it ran; it starts over", active.entry().table());
                finishTable();
            } else if (chunk.last()) {
                progress.tableDone(chunk.table().table(), now);
                LOG.info("incremental snapshot of {} complete: {} rows; documents of rows that no longer exist are"
                        + " swept below version {}", chunk.table().table(), rows, active.sweepVersion());
                finishTable();
            } else {
                active = active.after(chunk.lastKey(), rows);
            }
        } catch (SQLException e) {
            reader.close();
            throw e;
        }
    }

    private void fail(ActiveTable table, String reason) throws SQLException {
        LOG.error("incremental snapshot of {} failed and is given up (status failed in {}): {}",
                table.entry().table(), TableSnapshotLedger.QUALIFIED_NAME, reason);
        ledger.markFailed(reader.connection(), table.entry(), reason);
        abandonWindow();
        finishTable();
    }

    private void finishTable() {
        active = null;
        activeGauge.set(0);
        progress.end();
        nextPollMillis = 0;
    }

    private void abandonWindow() {
        window = null;
    }

    @Override
    public void close() {
        reader.close();
    }

    /** The table being snapshotted and how far it got. */
    private record ActiveTable(Entry entry, SnapshotTable table, Lsn sweepVersion, List<String> lastKey, long rows) {

        ActiveTable withSweepVersion(Lsn version) {
            return new ActiveTable(entry, table, version, lastKey, rows);
        }

        ActiveTable after(List<String> key, long rowsDone) {
            return new ActiveTable(entry, table, sweepVersion, key, rowsDone);
        }
    }
}
