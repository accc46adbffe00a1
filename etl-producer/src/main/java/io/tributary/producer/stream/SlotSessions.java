package io.tributary.producer.stream;

import io.tributary.model.Lsn;
import io.tributary.producer.ProducerSettings;
import io.tributary.producer.ProducerSettings.Slot;
import io.tributary.producer.ProducerSettings.Source;
import io.tributary.producer.ProducerSettings.Target;
import io.tributary.producer.decoding.ChangeAssembler;
import io.tributary.producer.decoding.MessageDecoder;
import io.tributary.producer.decoding.PgOutputDecoder;
import io.tributary.producer.decoding.PrimaryKeys;
import io.tributary.producer.decoding.TestDecodingParser;
import io.tributary.producer.publish.AckTracker;
import io.tributary.config.KafkaProducerFactory;
import io.tributary.producer.publish.KafkaPublisher;
import io.tributary.producer.replication.Heartbeat;
import io.tributary.producer.replication.KeyColumns;
import io.tributary.producer.replication.SlotInfo;
import io.tributary.producer.replication.SlotLock;
import io.tributary.producer.replication.SlotRetention;
import io.tributary.producer.replication.WalStream;
import io.tributary.producer.snapshot.IncrementalSnapshots;
import io.tributary.producer.snapshot.InitialSnapshot;
import io.tributary.producer.stream.ChangeStreamer.StreamingLimits;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The slot across sessions, for real: its lock ({@link SlotLock}), the slot itself ({@link SlotKeeper}), the
 * heartbeat, the retention gauge and the incremental snapshots; each {@link #open} builds a {@link ChangeStreamer}
 * with a Kafka producer of its own. Not thread-safe: used by the replication thread.
 */
final class SlotSessions implements SessionSource {

    private static final Logger LOG = LoggerFactory.getLogger(SlotSessions.class);
    /** How often the WAL the slot retains is measured (tributary.producer.slot.retained.wal.bytes). */
    private static final Duration SLOT_RETENTION_INTERVAL = Duration.ofSeconds(10);

    private final ProducerSettings settings;
    private final StreamSetup setup;
    private final StreamMetrics metrics;
    private final Clock clock;
    private final BooleanSupplier stopRequested;
    private final SlotLock lock;
    private final SlotKeeper slotKeeper;
    private final IncrementalSnapshots incrementalSnapshots;
    private final Heartbeat heartbeat;
    private final SlotRetention slotRetention;

    SlotSessions(ProducerSettings settings, StreamSetup setup, StreamMetrics metrics, Clock clock,
                         BooleanSupplier stopRequested) {
        this.settings = settings;
        this.setup = setup;
        this.metrics = metrics;
        this.clock = clock;
        this.stopRequested = stopRequested;
        Source source = settings.source();
        this.lock = new SlotLock(source.endpoint(), source.slot().name(), source.timing().takeoverTimeout());
        InitialSnapshot initialSnapshot = initialSnapshot();
        this.incrementalSnapshots = IncrementalSnapshots.create(new IncrementalSnapshots.Setup(source.endpoint(),
                setup.database(), source.slot().name(), setup.tables(), setup.converter(),
                settings.snapshot().chunkSize(), settings.snapshot().snapshotsNewSlots(),
                setup.server().showsLogicalMessages(source.slot().plugin())), initialSnapshot, metrics.registry());
        this.slotKeeper = new SlotKeeper(settings, setup, metrics.registry(), initialSnapshot);
        this.heartbeat = new Heartbeat(source.endpoint(), source.timing().heartbeatInterval());
        this.slotRetention = new SlotRetention(source.endpoint(), source.slot().name(), SLOT_RETENTION_INTERVAL,
                metrics.registry());
    }

    @Override
    public boolean tryAcquireLock() throws SQLException {
        return lock.tryAcquire();
    }

    @Override
    public boolean lockHeld() {
        return lock.isHeld();
    }

    @Override
    public Duration lockCheckInterval() {
        return lock.checkInterval();
    }

    @Override
    public StreamSession open(Lsn received) throws SQLException, InterruptedException {
        Source source = settings.source();
        Slot slotSettings = source.slot();
        Target target = settings.target();
        SlotInfo slot = slotKeeper.obtain(stopRequested, received);
        PrimaryKeys primaryKeys = KeyColumns.loadPrimaryKeys(source.endpoint());
        AckTracker tracker = new AckTracker(slot.confirmedFlushLsn(), metrics.commitToAcknowledged());
        KafkaPublisher publisher = new KafkaPublisher(
                KafkaProducerFactory.create(target.bootstrapServers(), target.properties(),
                        "tributary-etl-producer-" + slotSettings.name(), target.limits().maxEventBytes()),
                target.routing(), tracker, metrics.registry(), target.envelope());
        WalStream stream;
        try {
            incrementalSnapshots.sessionStarted();
            stream = WalStream.open(source.endpoint(), slotSettings.name(), slotSettings.plugin(),
                    slotSettings.publication(), source.timing().statusInterval(), setup.server());
        } catch (SQLException | RuntimeException e) {
            publisher.close();
            throw e;
        }
        metrics.sessionStarted(tracker);
        metrics.positions().flushed().set(slot.confirmedFlushLsn().value());
        LOG.info("streaming slot {} of {} ({}{}) from {} to topic {} ({} partitions)", slotSettings.name(),
                setup.database(), slotSettings.plugin(), slotSettings.plugin().needsPublication()
                        ? ", publication " + slotSettings.publication() : "",
                slot.confirmedFlushLsn(), target.topic(), target.partitions());
        MessageDecoder decoder = setup.testDecoding()
                .<MessageDecoder>map(catalog -> new TestDecodingParser(catalog.tables(), catalog.typeNames()))
                .orElseGet(PgOutputDecoder::new);
        ChangeAssembler assembler = new ChangeAssembler(setup.database(), setup.converter(), primaryKeys);
        return new ChangeStreamer(new ChangeStreamer.Parts(stream, decoder, assembler, publisher, tracker),
                incrementalSnapshots,
                new StreamingLimits(target.limits().maxUnacknowledgedEvents(), source.timing().statusInterval()),
                clock, metrics.positions());
    }

    @Override
    public void doPeriodicWork(long nowMillis) {
        heartbeat.emitIfDue(nowMillis);
        slotRetention.measureIfDue(nowMillis);
    }

    @Override
    public void close() {
        heartbeat.close();
        slotRetention.close();
        incrementalSnapshots.close();
        lock.close();
    }

    /** Publishes the rows of a slot the {@link SlotKeeper} creates, with its own Kafka producer. */
    private InitialSnapshot initialSnapshot() {
        Source source = settings.source();
        Target target = settings.target();
        return new InitialSnapshot(settings.snapshot(),
                new InitialSnapshot.Source(source.endpoint(), setup.database(), setup.tables(), setup.converter()),
                new InitialSnapshot.Sink(tracker -> new KafkaPublisher(
                        KafkaProducerFactory.create(target.bootstrapServers(), target.properties(),
                                "tributary-etl-producer-" + source.slot().name() + "-snapshot",
                                target.limits().maxEventBytes()),
                        target.routing(), tracker, metrics.registry(), target.envelope()),
                        target.limits().maxUnacknowledgedEvents(), target.envelope()),
                metrics.registry());
    }
}
