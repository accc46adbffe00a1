package io.tributary.producer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tributary.config.KafkaProducerFactory;
import io.tributary.model.Envelope;
import io.tributary.model.Lsn;
import io.tributary.model.Routing;
import io.tributary.model.TableId;
import io.tributary.ops.CommitLatency;
import io.tributary.ops.ServiceLauncher;
import io.tributary.ops.ServiceLoop;
import io.tributary.producer.ChangeStreamer.StreamPositions;
import io.tributary.producer.ChangeStreamer.StreamingLimits;
import io.tributary.producer.ProducerSettings.ReplicaIdentity;
import io.tributary.producer.ProducerSettings.Source;
import io.tributary.producer.ProducerSettings.Target;
import io.tributary.producer.decoding.ChangeAssembler;
import io.tributary.producer.decoding.MessageDecoder;
import io.tributary.producer.decoding.PgOutputDecoder;
import io.tributary.producer.decoding.PrimaryKeys;
import io.tributary.producer.decoding.StreamedTable;
import io.tributary.producer.decoding.TestDecodingParser;
import io.tributary.producer.publish.AckTracker;
import io.tributary.producer.publish.KafkaPublisher;
import io.tributary.producer.publish.KafkaSendFailedException;
import io.tributary.producer.publish.SendFailures;
import io.tributary.producer.publish.TopicSetup;
import io.tributary.producer.replication.Heartbeat;
import io.tributary.producer.replication.KeyColumns;
import io.tributary.producer.replication.OutputPlugin;
import io.tributary.producer.replication.PublicationSetup;
import io.tributary.producer.replication.ReplicationErrors;
import io.tributary.producer.replication.ServerChecks;
import io.tributary.producer.replication.ServerVersion;
import io.tributary.producer.replication.SlotInfo;
import io.tributary.producer.replication.SlotLock;
import io.tributary.producer.replication.SlotRetention;
import io.tributary.producer.replication.TestDecodingCatalogLoader;
import io.tributary.producer.replication.WalStream;
import io.tributary.producer.snapshot.IncrementalSnapshots;
import io.tributary.producer.snapshot.InitialSnapshot;
import io.tributary.producer.snapshot.SnapshotAbortedException;
import io.tributary.shaping.JsonMode;
import io.tributary.shaping.PgTypes;
import io.tributary.shaping.TypeNames;
import io.tributary.shaping.ValueConverter;
import io.tributary.shaping.source.TableSelection;
import io.tributary.shaping.source.TypeCatalogLoader;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The walreceiver service.
 *
 * <p>{@link #start()} checks the database and Kafka and fails with what to fix (a server older than
 * {@link ServerVersion#OLDEST_SUPPORTED_MAJOR}, wal_level, REPLICATION privilege,
 * unknown tables, unreachable Kafka, a topic with too few partitions), takes the slot's lock and opens the first
 * session, so the slot exists when it returns. A second producer for the same slot finds the lock taken, returns
 * from {@link #start()} as a standby (ready, not active) and waits in the background until the active one dies. The
 * active one confirms its lock at every status interval (at most {@link SlotLock#checkInterval()} apart) and, when it cannot, abandons its session at once
 * (Kafka producer first) and waits as a standby: see {@link SlotLock} for why that comes before any standby can take
 * the lock. The streaming thread
 * obtains the slot for each session (see {@link SlotKeeper} for a lost slot) and streams it until the connection is lost,
 * PostgreSQL restarts or Kafka gives up on a change; then it closes the session and starts a new one from the
 * slot's confirmed position after a backoff. Only what Kafka acknowledged is ever confirmed to PostgreSQL, so a
 * new session may resend changes (at least once), never skip one.
 *
 * <p>{@link #close()} stops reading, waits for Kafka to acknowledge what was sent, reports the final flushed
 * position to PostgreSQL and closes everything. Thread-safe.
 */
public final class EtlProducer implements ServiceLauncher.Service {

    private static final Logger LOG = LoggerFactory.getLogger(EtlProducer.class);
    private static final Duration STANDBY_POLL = Duration.ofSeconds(1);
    /** How often the WAL the slot retains is measured (tributary.producer.slot.retained.wal.bytes). */
    private static final Duration SLOT_RETENTION_INTERVAL = Duration.ofSeconds(10);

    private final ProducerSettings settings;
    private final MeterRegistry metrics;
    private final Clock clock = Clock.systemUTC();
    private final ServiceLoop loop = new ServiceLoop("tributary-replication");
    private final StreamPositions positions = new StreamPositions(new AtomicLong(), new AtomicLong(), new AtomicLong());
    private final AtomicReference<AckTracker> currentTracker = new AtomicReference<>();
    private final Counter reconnects;
    private final CommitLatency commitToAcknowledged;
    private volatile ChangeStreamer session;
    private SlotLock lock;
    private SlotKeeper slotKeeper;
    private Heartbeat heartbeat;
    private SlotRetention slotRetention;
    private String database;
    private List<TableId> tables;
    private PgTypes types;
    private List<StreamedTable> streamedTables;
    private TypeNames typeNames;
    private ValueConverter converter;
    private ServerVersion server;
    private IncrementalSnapshots incrementalSnapshots;
    private int failedAttempts;
    /**
     * The WAL received when the last session ended in failure: a later session has made progress only once it flushed
     * past it. (Not any flush: a keepalive position confirmed at the start of every session would reset the backoff,
     * and a change that fails every time would be retried once per initial backoff for ever.)
     */
    private long receivedWhenFailed;
    private long retryAtMillis;
    private long nextLockCheckMillis;
    /** Waiting on the slot's lock, which another producer holds: healthy, and ready, but not streaming. */
    private volatile boolean standby;

    public EtlProducer(ProducerSettings settings, MeterRegistry metrics) {
        this.settings = settings;
        this.metrics = metrics;
        Gauge.builder("tributary.producer.received.lsn", positions.received(), AtomicLong::get)
                .description("WAL position last received from the server").register(metrics);
        Gauge.builder("tributary.producer.flushed.lsn", positions.flushed(), AtomicLong::get)
                .description("WAL position last reported to PostgreSQL as flushed (safely in Kafka)").register(metrics);
        Gauge.builder("tributary.producer.lag.bytes", positions,
                        p -> Math.max(0, p.received().get() - p.flushed().get()))
                .description("WAL received but not yet confirmed to PostgreSQL").register(metrics);
        Gauge.builder("tributary.producer.lag.milliseconds", positions.lagMillis(), AtomicLong::get)
                .description("Receive time minus commit time of the last transaction; 0 when idle").register(metrics);
        Gauge.builder("tributary.producer.streaming", () -> session != null ? 1 : 0)
                .description("1 while this producer streams the slot (0 while standby or reconnecting)")
                .register(metrics);
        Gauge.builder("tributary.producer.standby", () -> standby ? 1 : 0)
                .description("1 while this producer waits on the slot's lock, which another producer holds")
                .register(metrics);
        this.commitToAcknowledged = CommitLatency.register(metrics, "tributary.producer.commit.to.acknowledged",
                "Kafka acknowledging the transaction's last event", clock);
        Gauge.builder("tributary.producer.unacknowledged.events", currentTracker,
                        t -> t.get() == null ? 0 : t.get().unacknowledgedEvents())
                .description("Events sent to Kafka and not yet acknowledged").register(metrics);
        reconnects = Counter.builder("tributary.producer.reconnects")
                .description("Stream sessions restarted after a lost connection or a Kafka failure").register(metrics);
    }

    /**
     * Checks the database and Kafka, prepares the publication and topic, and starts streaming in the background.
     *
     * @throws IllegalStateException or SQLException with what to fix, when a check fails
     */
    @Override
    public synchronized void start() throws SQLException {
        Source source = settings.source();
        try (Connection connection = ServerChecks.connect(source.endpoint())) {
            server = ServerVersion.of(connection).requireSupported();
            ServerChecks.requireLogicalWalLevel(connection);
            ServerChecks.requireReplicationPrivilege(connection);
            if (source.slotFailover() && !server.hasFailoverSlots()) {
                throw new IllegalStateException("tributary.postgres.slot-failover = true needs PostgreSQL 17 or"
                        + " later; this server is " + server.version());
            }
            if (source.onSlotLoss() == ProducerSettings.OnSlotLoss.RESNAPSHOT
                    && !server.showsLogicalMessages(source.plugin())) {
                throw new IllegalStateException("tributary.postgres.on-slot-loss = resnapshot needs incremental"
                        + " snapshots, whose watermarks pgoutput shows only from PostgreSQL 14 on; this server is "
                        + server.version() + ". Use on-slot-loss = recreate (a new slot with a full initial snapshot),"
                        + " or tributary.postgres.plugin = test_decoding");
            }
            database = connection.getCatalog();
            tables = TableSelection.resolve(connection, source.tables().stream()
                    .map(TableId::toString).toList());
            if (source.plugin().needsPublication()) {
                ServerChecks.requireNoGeneratedColumnsUnderFullIdentity(connection, tables,
                        source.replicaIdentity() == ReplicaIdentity.FULL, server);
            }
            ServerChecks.checkReplicaIdentity(connection, tables, source.replicaIdentity() == ReplicaIdentity.FULL);
            if (source.plugin().needsPublication()) {
                PublicationSetup.ensurePublication(connection, source.publication(), tables);
            }
            types = new TypeCatalogLoader(source.endpoint()).loadTypes();
            converter = new ValueConverter(types, source.numericMode(), settings.target().envelope() == Envelope.DEBEZIUM
                    ? JsonMode.TEXT : JsonMode.EMBEDDED);
            if (source.plugin() == OutputPlugin.TEST_DECODING) {
                TestDecodingCatalogLoader loader = new TestDecodingCatalogLoader(source.endpoint());
                streamedTables = loader.loadTables(tables);
                typeNames = loader.loadTypeNames(streamedTables);
            }
            LOG.info("streaming tables {} of database {} ({})", tables, database, server);
        }
        Target target = settings.target();
        Routing routing = target.routing();
        List<String> topics = routing.topicPerTable()
                ? tables.stream().map(routing::topicFor).distinct().toList() : List.of(routing.topic());
        TopicSetup.ensureTopics(target.bootstrapServers(), target.properties(), topics, target.partitions(),
                target.replicationFactor(), target.minInsyncReplicas(), target.maxEventBytes());
        lock = new SlotLock(source.endpoint(), source.slot(), source.takeoverTimeout());
        InitialSnapshot initialSnapshot = initialSnapshot();
        incrementalSnapshots = IncrementalSnapshots.create(new IncrementalSnapshots.Setup(source.endpoint(), database,
                source.slot(), tables, converter, settings.snapshot().chunkSize(),
                settings.snapshot().snapshotsNewSlots(), server.showsLogicalMessages(source.plugin())),
                initialSnapshot, metrics);
        slotKeeper = new SlotKeeper(settings, database, topics, tables, metrics, initialSnapshot);
        heartbeat = new Heartbeat(source.endpoint(), source.heartbeatInterval());
        slotRetention = new SlotRetention(source.endpoint(), source.slot(), SLOT_RETENTION_INTERVAL, metrics);
        try {
            standby = !lock.tryAcquire();
            if (!standby) {
                // Active: the slot exists (created if need be, its snapshot in Kafka) before start() returns, so no
                // later change is missed.
                session = openSession();
            }
        } catch (SQLException | RuntimeException e) {
            heartbeat.close();
            slotRetention.close();
            incrementalSnapshots.close();
            lock.close();
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            heartbeat.close();
            slotRetention.close();
            incrementalSnapshots.close();
            lock.close();
            throw new IllegalStateException("interrupted while starting slot " + source.slot()
                    + " (during its initial snapshot, which the next start takes again)", e);
        }
        loop.start(this::runOnce, this::stopGracefully, this::closeEverything);
    }

    /** One step: wait as standby or for a retry, open a session, or stream one message of the open session. */
    private void runOnce() throws Exception {
        ChangeStreamer streaming = session;
        if (streaming == null) {
            openSessionWhenDue();
            return;
        }
        if (lockCheckDue() && !lock.isHeld()) {
            abandonAfterLosingTheLock(streaming);
            return;
        }
        try {
            streaming.runOnce();
            if (failedAttempts > 0 && Long.compareUnsigned(positions.flushed().get(), receivedWhenFailed) > 0) {
                failedAttempts = 0; // got past where the last session failed: the next failure starts the backoff anew
            }
            heartbeat.emitIfDue(clock.millis());
            slotRetention.measureIfDue(clock.millis());
        } catch (KafkaSendFailedException e) {
            if (SendFailures.isFatal(e)) {
                throw new IllegalStateException(e.getMessage() + ". Sending it again cannot succeed: "
                        + SendFailures.advice(e, settings.target().maxEventBytes()) + "; then restart the producer"
                        + " (slot " + settings.source().slot() + " keeps the WAL meanwhile)", e);
            }
            endSessionAfter(e);
        } catch (SQLException e) {
            if (!ReplicationErrors.isRetriable(e)) {
                throw e;
            }
            endSessionAfter(e);
        }
    }

    private void openSessionWhenDue() throws Exception {
        long now = clock.millis();
        if (now < retryAtMillis) {
            pause(Math.min(retryAtMillis - now, 200));
            return;
        }
        try {
            standby = !lock.tryAcquire();
            if (standby) {
                pause(STANDBY_POLL.toMillis());
                return;
            }
            session = openSession();
        } catch (SnapshotAbortedException e) {
            if (!loop.stopRequested()) {
                throw e;
            }
            LOG.warn("{}", e.getMessage()); // stopping: the loop ends after this step
        } catch (SQLException e) {
            standby = false;
            if (!ReplicationErrors.isRetriable(e)) {
                throw e;
            }
            scheduleRetry(e);
        }
    }

    /** Whether it is time to confirm the lock again: every status interval, at most {@link SlotLock#checkInterval()}. */
    private boolean lockCheckDue() {
        long now = clock.millis();
        if (now < nextLockCheckMillis) {
            return false;
        }
        // At every status interval, and never less often than the lock's own clock allows (see SlotLock).
        nextLockCheckMillis = now + Math.min(lock.checkInterval().toMillis(),
                settings.source().statusInterval().toMillis());
        return true;
    }

    /**
     * The lock's session ended (a network cut, a server restart, a terminated backend): a standby may hold the lock
     * now, or soon. Stop publishing at once, before anything else, then try the lock again like a standby.
     */
    private void abandonAfterLosingTheLock(ChangeStreamer streaming) {
        session = null;
        streaming.abandon();
        reconnects.increment();
        LOG.error("lost the lock of slot {} (its session ended: a network cut, a server restart or a terminated"
                + " backend); stopped streaming and publishing at once, unsent events discarded (never confirmed,"
                + " so they are streamed again by whoever holds the lock next). Confirmed position {}",
                settings.source().slot(), flushedLsn());
    }

    /** Publishes the rows of a slot the {@link SlotKeeper} creates, with its own Kafka producer. */
    private InitialSnapshot initialSnapshot() {
        Source source = settings.source();
        Target target = settings.target();
        return new InitialSnapshot(settings.snapshot(),
                new InitialSnapshot.Source(source.endpoint(), database, tables, converter),
                new InitialSnapshot.Sink(tracker -> new KafkaPublisher(
                        KafkaProducerFactory.create(target.bootstrapServers(), target.properties(),
                                "tributary-etl-producer-" + source.slot() + "-snapshot", target.maxEventBytes()),
                        target.routing(), tracker, metrics, target.envelope()), target.maxUnacknowledgedEvents(),
                        target.envelope()),
                metrics);
    }

    private ChangeStreamer openSession() throws SQLException, InterruptedException {
        Source source = settings.source();
        Target target = settings.target();
        SlotInfo slot = slotKeeper.obtain(loop::stopRequested, Lsn.of(positions.received().get()));
        PrimaryKeys primaryKeys = KeyColumns.loadPrimaryKeys(source.endpoint());
        AckTracker tracker = new AckTracker(slot.confirmedFlushLsn(), commitToAcknowledged);
        KafkaPublisher publisher = new KafkaPublisher(
                KafkaProducerFactory.create(target.bootstrapServers(), target.properties(),
                        "tributary-etl-producer-" + source.slot(), target.maxEventBytes()),
                target.routing(), tracker, metrics, target.envelope());
        WalStream stream;
        try {
            incrementalSnapshots.sessionStarted();
            stream = WalStream.open(source.endpoint(), source.slot(), source.plugin(), source.publication(),
                    source.statusInterval(), server);
        } catch (SQLException | RuntimeException e) {
            publisher.close();
            throw e;
        }
        currentTracker.set(tracker);
        positions.flushed().set(slot.confirmedFlushLsn().value());
        LOG.info("streaming slot {} of {} ({}{}) from {} to topic {} ({} partitions)", source.slot(), database,
                source.plugin(), source.plugin().needsPublication() ? ", publication " + source.publication() : "",
                slot.confirmedFlushLsn(), target.topic(), target.partitions());
        MessageDecoder decoder = source.plugin() == OutputPlugin.TEST_DECODING
                ? new TestDecodingParser(streamedTables, typeNames) : new PgOutputDecoder();
        ChangeAssembler assembler = new ChangeAssembler(database, converter, primaryKeys);
        return new ChangeStreamer(stream, decoder, assembler, publisher, tracker, incrementalSnapshots,
                new StreamingLimits(target.maxUnacknowledgedEvents(), source.statusInterval()), clock, positions);
    }

    private void endSessionAfter(Exception error) {
        ChangeStreamer ended = session;
        session = null;
        if (lock.isHeld()) {
            ended.close(); // still the owner: what Kafka has yet to send may go
        } else {
            ended.abandon(); // another producer may own the slot by now: nothing more of this session may land
            LOG.warn("lost the lock of slot {} with the connection; unsent events discarded, taking the lock again"
                    + " before streaming", settings.source().slot());
        }
        reconnects.increment();
        scheduleRetry(error);
    }

    private void scheduleRetry(Exception error) {
        receivedWhenFailed = positions.received().get();
        Duration delay = settings.source().reconnectBackoff().delayAfter(failedAttempts++);
        retryAtMillis = clock.millis() + delay.toMillis();
        LOG.warn("stream of slot {} interrupted (attempt {}), retrying in {} ms from the last confirmed position {}: {}",
                settings.source().slot(), failedAttempts, delay.toMillis(), flushedLsn(), error.getMessage());
    }

    private void pause(long millis) throws InterruptedException {
        long until = clock.millis() + millis;
        while (!loop.stopRequested() && clock.millis() < until) {
            Thread.sleep(Math.min(50, Math.max(1, until - clock.millis())));
        }
    }

    private void stopGracefully() throws SQLException {
        ChangeStreamer streaming = session;
        if (streaming != null) {
            streaming.drainAndReportFinalPosition();
            LOG.info("stopped streaming slot {}; flushed position {}", settings.source().slot(), flushedLsn());
        }
    }

    private void closeEverything() {
        ChangeStreamer streaming = session;
        session = null;
        if (streaming != null) {
            streaming.close();
        }
        heartbeat.close();
        slotRetention.close();
        incrementalSnapshots.close();
        lock.close();
        loop.failure().ifPresent(e -> LOG.error("streaming slot {} stopped at received position {}; last flushed"
                + " position {}", settings.source().slot(), Lsn.of(positions.received().get()), flushedLsn()));
    }

    /**
     * The readiness probe: true while this producer streams the slot or waits as a healthy standby (another
     * producer holds the lock), so a Deployment of two reports both ready; false while starting, reconnecting or
     * backing off. {@link #isActive()} tells which one streams.
     */
    @Override
    public boolean isReady() {
        return session != null || standby;
    }

    /** True while this producer streams the slot ({@code /health/active}, {@code tributary_producer_streaming}). */
    @Override
    public boolean isActive() {
        return session != null;
    }

    /** Why streaming ended, if it ended by failing. */
    @Override
    public Optional<Throwable> failure() {
        return loop.failure();
    }

    /** Blocks until streaming has ended, by {@link #close()} or by a failure. */
    @Override
    public void awaitTermination() throws InterruptedException {
        loop.awaitTermination();
    }

    /** The position last reported to PostgreSQL as flushed. */
    public Lsn flushedLsn() {
        return Lsn.of(positions.flushed().get());
    }

    /** Stops gracefully: see the class description. Idempotent. */
    @Override
    public void close() throws InterruptedException {
        loop.stop();
    }
}
