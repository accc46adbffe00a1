package io.tributary.producer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tributary.model.ChangeEvent;
import io.tributary.model.Lsn;
import io.tributary.model.TableId;
import io.tributary.producer.ProducerSettings.OnSlotLoss;
import io.tributary.producer.publish.TopicHistory;
import io.tributary.producer.replication.CreatedSlots;
import io.tributary.producer.replication.ReplicationSlots;
import io.tributary.producer.replication.ServerChecks;
import io.tributary.producer.replication.SlotInfo;
import io.tributary.producer.snapshot.IncrementalSnapshots;
import io.tributary.producer.snapshot.InitialSnapshot;
import io.tributary.producer.snapshot.SnapshotCause;
import io.tributary.producer.snapshot.SnapshotMode;
import io.tributary.producer.snapshot.SnapshotStateTable;
import io.tributary.producer.snapshot.TableSnapshotLedger;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the slot for each stream session and tells a first start from a lost slot.
 *
 * <p>A missing slot is created silently only on a first start: when this process has not streamed it yet and the
 * topic holds no event of this database. Otherwise the slot was lost (dropped, or a failover to a standby that had
 * no copy of it) and the changes made since are not in Kafka: that is never a silent gap. Under
 * {@code on-slot-loss = fail} it stops the producer; under {@code recreate} it logs an error, counts it, and
 * creates a new slot (with an initial snapshot unless the mode is never, whose tables are then swept:
 * {@link SnapshotCause#SLOT_RECREATED}); under {@code resnapshot} it records a pending
 * incremental snapshot of every table in the {@link TableSnapshotLedger} <em>before</em> creating a plain slot (a
 * crash in between finds the slot missing again and repeats both), and the stream sessions re-read every table while
 * they stream, then sweep the documents of rows deleted in the gap.
 *
 * <p>A slot it creates gets an initial snapshot (unless {@code snapshot.mode = never}): see {@link InitialSnapshot}.
 * A slot whose snapshot was interrupted (the producer died or was stopped before Kafka had every row) is dropped and
 * created again with a new snapshot, because an exported snapshot cannot be imported again; a missing slot with an
 * unfinished snapshot is such a redo too, never a loss. A redo sweeps every table ({@link SnapshotCause#REDO}): the
 * first attempt's documents of rows deleted since would stay otherwise. Under {@code snapshot.mode = always} the
 * first slot this process finds already there is refused.
 *
 * <p>A slot PostgreSQL <em>invalidated</em> ({@code wal_status = lost} after {@code max_slot_wal_keep_size}) is lost
 * too: it can never stream again. Under {@code fail} it is left for the operator; otherwise it is dropped and handled
 * like a missing one. The evidence that a slot existed is kept durably in {@link CreatedSlots} (the topic's recent
 * events are sampled too, but after the topic's retention or on a quiet database they may hold nothing of it).
 *
 * <p>Before each session it also refuses a server whose WAL position is below what was already streamed of this
 * database (a restore to an earlier point, see {@link ServerBehindTopicException}): at the first session below the
 * highest LSN the topics' recent events hold (the same sample that tells a lost slot from a first start), at later
 * ones below the WAL position this process received before the session ended, which needs no Kafka read.
 *
 * <p>Not thread-safe: used by the replication thread.
 */
final class SlotKeeper {

    private static final Logger LOG = LoggerFactory.getLogger(SlotKeeper.class);

    private final ProducerSettings settings;
    private final ReplicationSlots slots;
    private final String database;
    private final List<String> topics;
    private final Counter losses;
    private final Counter recreations;
    private final InitialSnapshot snapshot;
    private final TableSnapshotLedger ledger;
    private final CreatedSlots createdSlots;
    private final List<TableId> tables;
    private boolean streamedBefore;

    /**
     * @param topics   the topics this producer writes to (one, or one per table)
     * @param tables   the tables the producer streams, all snapshotted again after a loss under resnapshot
     * @param snapshot takes the snapshot of a slot it creates (unless the mode is never)
     */
    SlotKeeper(ProducerSettings settings, String database, List<String> topics,
               List<TableId> tables, MeterRegistry metrics, InitialSnapshot snapshot) {
        this.settings = settings;
        this.snapshot = snapshot;
        this.tables = List.copyOf(tables);
        this.ledger = new TableSnapshotLedger(settings.source().endpoint());
        this.createdSlots = new CreatedSlots(settings.source().endpoint());
        this.topics = List.copyOf(topics);
        this.slots = new ReplicationSlots(settings.source().endpoint(), settings.source().plugin());
        this.database = database;
        this.losses = Counter.builder("tributary.producer.slot.losses")
                .description("Times the slot was found missing although the producer had streamed from it")
                .register(metrics);
        this.recreations = Counter.builder("tributary.producer.slot.recreations")
                .description("Slots created again after a loss (on-slot-loss = recreate)").register(metrics);
    }

    /**
     * The slot to stream from now, created (with its snapshot published) when missing and allowed.
     *
     * @param stopRequested polled during a snapshot, which stops unfinished when it turns true
     * @param received      the highest WAL position this process received from the server (0/0 before any)
     * @throws io.tributary.producer.snapshot.SnapshotAbortedException when a snapshot was stopped
     * @throws ServerBehindTopicException when the server's WAL is behind what was already streamed
     */
    SlotInfo obtain(BooleanSupplier stopRequested, Lsn received) throws SQLException, InterruptedException {
        Optional<TopicHistory.Found> history = Optional.empty();
        if (streamedBefore) {
            requireServerNotBehind(received, "this producer received WAL of database " + database + " up to "
                    + received + " before the session ended");
        } else {
            history = TopicHistory.highestEventOf(settings.target().bootstrapServers(),
                    settings.target().properties(), topics, database);
            if (history.isPresent()) {
                ChangeEvent highest = history.get().event();
                requireServerNotBehind(highest.source().lsn(), "topic " + history.get().topic() + " holds events of"
                        + " database " + database + " up to LSN " + highest.source().lsn() + " (" + highest.tableId()
                        + ")");
            }
        }
        String slot = settings.source().slot();
        SnapshotMode mode = settings.snapshot().mode();
        Optional<SlotInfo> existing = slots.find(slot);
        boolean unfinishedSnapshot = mode != SnapshotMode.NEVER && snapshot.isUnfinished(slot);
        Optional<String> invalidated = existing.isPresent() ? slots.invalidation(slot) : Optional.empty();
        if (existing.isPresent() && unfinishedSnapshot) {
            LOG.warn("the snapshot of slot {} was interrupted before Kafka had every row ({} says so); an exported"
                    + " snapshot cannot be imported again, so the slot is dropped, created again and the snapshot"
                    + " taken anew (re-sent rows are harmless: events are versioned)", slot,
                    SnapshotStateTable.QUALIFIED_NAME);
            slots.drop(slot);
        } else if (existing.isPresent() && invalidated.isEmpty()) {
            if (mode == SnapshotMode.ALWAYS && !streamedBefore) {
                throw new IllegalStateException("tributary.postgres.snapshot.mode = always"
                        + " (TRIBUTARY_POSTGRES_SNAPSHOT_MODE) takes a snapshot only with a new slot, and slot " + slot
                        + " already exists: a snapshot now would not line up with the slot's position. Use"
                        + " snapshot.mode = initial to stream on from the slot, or drop the slot"
                        + " (SELECT pg_drop_replication_slot('" + slot + "')) together with"
                        + " tributary.postgres.on-slot-loss = recreate to start over with a new snapshot");
            }
            streamedBefore = true;
            slots.releaseFromAbandonedStream(slot); // this producer holds the lock: no one else may stream it
            return existing.get();
        }
        Optional<String> lostBecause = unfinishedSnapshot ? Optional.empty()
                : invalidated.isPresent() ? invalidated : evidenceOfEarlierStreaming(history, slot);
        if (lostBecause.isPresent()) {
            losses.increment();
            String message = invalidated.isPresent() && !unfinishedSnapshot
                    ? "replication slot " + slot + " is lost: " + invalidated.get() + "; changes committed since it"
                    + " last streamed are NOT in Kafka"
                    : "replication slot " + slot + " is missing although " + lostBecause.get()
                    + "; changes committed while the slot did not exist are NOT in Kafka";
            if (settings.source().onSlotLoss() == OnSlotLoss.FAIL) {
                throw new SlotLostException(message + ". " + (invalidated.isPresent()
                        ? "Drop it (SELECT pg_drop_replication_slot('" + slot + "')) and set"
                        + " tributary.postgres.on-slot-loss = resnapshot (or recreate), or set it now: the producer"
                        + " then drops the slot itself, streams on from a new one and repairs the gap"
                        : "Restore the slot, or set tributary.postgres.on-slot-loss = resnapshot to stream on from a"
                        + " new slot and repair the gap while streaming (or recreate to stream on with a new initial"
                        + " snapshot)"));
            }
            if (invalidated.isPresent()) {
                slots.drop(slot);
            }
            recreations.increment();
            if (settings.source().onSlotLoss() == OnSlotLoss.RESNAPSHOT) {
                LOG.error("{}. Creating a new slot and snapshotting every table again while streaming"
                        + " (tributary.postgres.on-slot-loss = resnapshot); documents of rows deleted in the gap are"
                        + " swept afterwards. Progress: scripts/snapshot.sh status", message);
                ledger.request(slot, tables,
                        IncrementalSnapshots.SLOT_LOST_REASON);
                SlotInfo created = slots.create(slot, settings.source().slotFailover());
                createdSlots.recordCreated(slot, created.confirmedFlushLsn());
                streamedBefore = true;
                return created;
            }
            LOG.error("{}. Creating a new slot (tributary.postgres.on-slot-loss = recreate); {}", message,
                    settings.snapshot().snapshotsNewSlots()
                            ? "its snapshot re-sends every row, then sweeps the documents of rows deleted in the gap"
                            : "repair the gap with a snapshot (tributary.postgres.snapshot.mode is never)");
        }
        boolean failover = settings.source().slotFailover();
        SlotInfo created;
        if (settings.snapshot().snapshotsNewSlots()) {
            SnapshotCause cause = unfinishedSnapshot ? SnapshotCause.REDO
                    : lostBecause.isPresent() ? SnapshotCause.SLOT_RECREATED : SnapshotCause.FIRST_START;
            created = snapshot.createSlotAndTake(slots, slot, failover, cause, stopRequested);
            ledger.forget(slot); // the snapshot covered every table: nothing is pending any more
        } else {
            created = slots.create(slot, failover);
        }
        createdSlots.recordCreated(slot, created.confirmedFlushLsn());
        streamedBefore = true;
        return created;
    }

    private Optional<String> evidenceOfEarlierStreaming(Optional<TopicHistory.Found> history, String slot)
            throws SQLException {
        if (streamedBefore) {
            return Optional.of("this producer streamed from it since it started");
        }
        if (history.isPresent()) {
            return history.map(found -> "topic " + found.topic() + " holds events of database " + database
                    + " (the newest at " + found.event().source().lsn() + ")");
        }
        return createdSlots.creationOf(slot);
    }

    /**
     * Refuses to stream from a server whose WAL is behind what was already streamed of this database: the
     * subscriber versions documents by LSN, so every change it would stream now (at lower LSNs) would be refused as
     * stale, in silence. What was streamed is read first (the topics, or this process's own received position), the
     * server's position after, so a change streamed in between is not mistaken for it.
     *
     * @param streamed     the highest LSN already streamed
     * @param whereStreamed says where that LSN was seen, for the message
     * @throws ServerBehindTopicException naming both positions and what to do
     */
    private void requireServerNotBehind(Lsn streamed, String whereStreamed) throws SQLException {
        Lsn position;
        try (Connection connection = settings.source().endpoint().openQueryConnection()) {
            position = ServerChecks.currentWalPosition(connection);
        }
        if (streamed.isAfter(position)) {
            throw new ServerBehindTopicException(whereStreamed + ", but the server's current WAL position is "
                    + position + " (" + settings.source().endpoint() + "): the database was restored to an earlier"
                    + " point (point-in-time recovery, a backup or a dump), a failover lost WAL the old primary had"
                    + " streamed, or this is another server. Elasticsearch keeps each document at the highest LSN"
                    + " it saw, so every change streamed now would be refused as stale. Start over with a new topic"
                    + " and new indices (docs/operations.md, \"Restored database\"): stop the subscribers, delete"
                    + " the tables' indices (or configure new ones), delete the topic (or set a new"
                    + " tributary.kafka.topic and subscriber group), drop slot " + settings.source().slot()
                    + " if it exists, and start the producer: its initial snapshot re-sends every row");
        }
    }
}
