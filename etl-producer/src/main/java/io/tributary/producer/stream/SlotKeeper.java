package io.tributary.producer.stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tributary.model.ChangeEvent;
import io.tributary.model.Lsn;
import io.tributary.model.TableId;
import io.tributary.producer.ProducerSettings;
import io.tributary.producer.publish.TopicHistory;
import io.tributary.producer.replication.CreatedSlots;
import io.tributary.producer.replication.ReplicationSlots;
import io.tributary.producer.replication.ServerChecks;
import io.tributary.producer.replication.SlotInfo;
import io.tributary.producer.snapshot.IncrementalSnapshots;
import io.tributary.producer.snapshot.InitialSnapshot;
import io.tributary.producer.snapshot.SnapshotMode;
import io.tributary.producer.snapshot.SnapshotStateTable;
import io.tributary.producer.snapshot.TableSnapshotLedger;
import io.tributary.producer.stream.SlotLossPolicy.Absence;
import io.tributary.producer.stream.SlotLossPolicy.NewSlot;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the slot for each stream session and tells a first start from a lost slot (docs/design.md, "Sessions,
 * reconnects, standby and slot loss"). A missing slot is created silently only on a first start: when this process
 * has not streamed it yet, the topic holds no event of this database and {@link CreatedSlots} has no record of it.
 * Otherwise, or when PostgreSQL invalidated it, the slot is lost and {@link SlotLossPolicy} decides by
 * {@code on-slot-loss}; a slot whose initial snapshot was interrupted is dropped and its snapshot taken anew. Before
 * each session it refuses a server whose WAL is behind what was already streamed ({@link ServerBehindTopicException}).
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

    /** @param snapshot takes the snapshot of a slot it creates (unless the mode is never) */
    SlotKeeper(ProducerSettings settings, StreamSetup setup, MeterRegistry metrics, InitialSnapshot snapshot) {
        this.settings = settings;
        this.snapshot = snapshot;
        this.tables = setup.tables();
        this.ledger = new TableSnapshotLedger(settings.source().endpoint());
        this.createdSlots = new CreatedSlots(settings.source().endpoint());
        this.topics = setup.topics();
        this.slots = new ReplicationSlots(settings.source().endpoint(), settings.source().slot().plugin());
        this.database = setup.database();
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
        String slot = settings.source().slot().name();
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
        Absence absence = unfinishedSnapshot ? Absence.UNFINISHED_SNAPSHOT
                : lostBecause.isPresent() ? Absence.LOST : Absence.FIRST_START;
        NewSlot newSlot = SlotLossPolicy.decide(absence, settings.source().slot().onLoss(), mode);
        if (absence == Absence.LOST) {
            losses.increment();
            String message = invalidated.isPresent()
                    ? "replication slot " + slot + " is lost: " + invalidated.get() + "; changes committed since it"
                    + " last streamed are NOT in Kafka"
                    : "replication slot " + slot + " is missing although " + lostBecause.get()
                    + "; changes committed while the slot did not exist are NOT in Kafka";
            if (newSlot == NewSlot.REFUSE) {
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
            if (newSlot == NewSlot.PLAIN_THEN_RESNAPSHOT) {
                LOG.error("{}. Creating a new slot and snapshotting every table again while streaming"
                        + " (tributary.postgres.on-slot-loss = resnapshot); documents of rows deleted in the gap are"
                        + " swept afterwards. Progress: scripts/snapshot.sh status", message);
                ledger.request(slot, tables, IncrementalSnapshots.SLOT_LOST_REASON);
            } else {
                LOG.error("{}. Creating a new slot (tributary.postgres.on-slot-loss = recreate); {}", message,
                        newSlot.snapshot().isPresent()
                                ? "its snapshot re-sends every row, then sweeps the documents of rows deleted in the gap"
                                : "repair the gap with a snapshot (tributary.postgres.snapshot.mode is never)");
            }
        }
        boolean failover = settings.source().slot().failover();
        SlotInfo created;
        if (newSlot.snapshot().isPresent()) {
            created = snapshot.createSlotAndTake(slots, slot, failover, newSlot.snapshot().get(), stopRequested);
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
                    + " tributary.kafka.topic and subscriber group), drop slot " + settings.source().slot().name()
                    + " if it exists, and start the producer: its initial snapshot re-sends every row");
        }
    }
}
