package io.tributary.producer.snapshot;

import io.micrometer.core.instrument.MeterRegistry;
import io.tributary.model.ChangeEvent;
import io.tributary.model.Envelope;
import io.tributary.model.TableId;
import io.tributary.producer.publish.AckTracker.InFlightTransaction;
import io.tributary.producer.publish.AckTracker;
import io.tributary.producer.publish.KafkaPublisher.EncodedEvent;
import io.tributary.producer.publish.KafkaPublisher;
import io.tributary.producer.replication.ExportedSnapshot;
import io.tributary.producer.replication.ReplicationSlots;
import io.tributary.producer.replication.SlotInfo;
import io.tributary.shaping.ValueConverter;
import io.tributary.shaping.source.PostgresEndpoint;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the slot with an exported snapshot and publishes every row of every streamed table as it was at the
 * slot's consistent point, as {@code op = r} events, before the first stream session starts.
 *
 * <p>Three stages: {@code parallelism} reader threads, each with its own connection that imported the snapshot, read
 * one table at a time chunk by chunk ({@link TableReader}) as text; each chunk goes to one of
 * {@link #encodingThreads()} encoding threads (one per processor), which write its rows straight into Kafka records
 * ({@link ReadEventEncoder}); and the calling thread alone publishes the chunks through its own
 * {@link KafkaPublisher}, in the order they were read, pausing while {@code maxUnacknowledgedEvents} wait for Kafka.
 * Memory is bounded whatever the table: the chunks between reading and publishing (read, encoding, encoded) by a
 * share of the heap ({@link ChunkBudget}) and a bounded queue, plus one page per reader and the unacknowledged
 * events; no row is held as a tree of objects.
 *
 * <p>When the snapshot replaces what an earlier one or a lost slot left downstream ({@link SnapshotCause#sweeps()}:
 * a redo after an interrupted snapshot, a slot recreated after a loss), each table's rows are followed in its
 * partition by a sweep event at {@link SnapshotPoint#sweepVersion()}, below every row of this snapshot: the
 * subscriber deletes the documents of rows deleted in between. A first start sends none: nothing is downstream,
 * and a sweep would only make the subscriber scan each index it has just filled.
 *
 * <p><b>Invariant:</b> {@link #createSlotAndTake} returns only once Kafka acknowledged every snapshot event (the
 * sweeps too), and only then is the snapshot recorded as complete ({@link SnapshotStateTable}); its publisher is
 * closed before any stream session starts, so in every partition a row's snapshot event precedes its streamed
 * changes. Its {@link AckTracker} never confirms anything to PostgreSQL. The exporting replication connection is
 * closed as soon as every reader imported the snapshot.
 *
 * <p>Not thread-safe: run by the replication thread (or {@code start()}).
 */
public final class InitialSnapshot {

    private static final Logger LOG = LoggerFactory.getLogger(InitialSnapshot.class);
    private static final Duration LOG_INTERVAL = Duration.ofSeconds(5);
    private static final long POLL_MILLIS = 100;
    /**
     * Rows encoded as one unit, whatever the chunk size: a chunk read is split into such batches, each encoded on one
     * thread and handed over in order, so the memory they take is fine-grained and the encoding threads are kept
     * busy with a small {@link ChunkBudget}.
     */
    static final int ENCODING_BATCH_ROWS = 1000;

    private final SnapshotSettings settings;
    private final Source source;
    private final Sink sink;
    private final SnapshotStateTable state;
    private final SnapshotProgress progress;
    private final Clock clock = Clock.systemUTC();

    /**
     * What is read.
     *
     * @param tables    the producer's resolved table selection
     * @param converter the stream's value converter, so snapshot values equal streamed ones
     */
    public record Source(PostgresEndpoint endpoint, String database, List<TableId> tables, ValueConverter converter) {

        public Source {
            tables = List.copyOf(tables);
        }
    }

    /**
     * Where it goes.
     *
     * @param publishers              a new publisher (with its own Kafka producer) reporting to the given tracker
     * @param maxUnacknowledgedEvents reading pauses while this many events wait for Kafka
     * @param envelope                the shape rows are encoded in, as the stream's publisher writes them
     */
    public record Sink(Function<AckTracker, KafkaPublisher> publishers, long maxUnacknowledgedEvents,
                       Envelope envelope) {
    }

    public InitialSnapshot(SnapshotSettings settings, Source source, Sink sink, MeterRegistry metrics) {
        this.settings = settings;
        this.source = source;
        this.sink = sink;
        this.state = new SnapshotStateTable(source.endpoint());
        this.progress = new SnapshotProgress(metrics, LOG_INTERVAL);
    }

    /** The progress logs and gauges, which incremental snapshots fill too. */
    SnapshotProgress progress() {
        return progress;
    }

    /** Whether a snapshot of {@code slot} began and never finished (the slot must then be dropped and redone). */
    public boolean isUnfinished(String slot) throws SQLException {
        return state.isUnfinished(slot);
    }

    /**
     * Creates the slot exporting its snapshot, publishes every row and waits for Kafka's acknowledgements.
     *
     * @param cause         why: whether each table's rows are followed by a sweep
     * @param stopRequested polled between chunks: when it turns true the snapshot stops unfinished
     * @return the new slot, to stream from its consistent point
     * @throws SnapshotAbortedException when {@code stopRequested} turned true
     * @throws io.tributary.producer.publish.KafkaSendFailedException when Kafka refused an event
     */
    public SlotInfo createSlotAndTake(ReplicationSlots slots, String slot, boolean failover, SnapshotCause cause,
                                      BooleanSupplier stopRequested) throws SQLException, InterruptedException {
        List<SnapshotTable> tables = SnapshotPlanner.plan(source.endpoint(), source.tables());
        state.markStarted(slot);
        try (ExportedSnapshot exported = slots.createExportingSnapshot(slot, failover)) {
            SnapshotPoint point = SnapshotPoint.of(exported, source.database(), clock.instant());
            LOG.info("snapshot of {} tables at {} (rows versioned {}{}) begins: {}", tables.size(),
                    exported.consistentPoint(), point.version(), cause.sweeps() ? ", each table then swept below "
                            + point.sweepVersion() + " (" + cause + ")" : "",
                    tables.stream().map(SnapshotTable::table).toList());
            Function<TableId, List<ChangeEvent>> afterTable = table -> cause.sweeps()
                    ? List.of(SweepEvent.of(source.database(), table, point.sweepVersion(), point.startedAt()))
                    : List.of();
            progress.begin(tables, clock.millis());
            try {
                long rows = readAndPublish(tables, exported, point, afterTable, stopRequested, slot);
                state.markCompleted(slot, exported.consistentPoint(), rows);
                LOG.info("snapshot of slot {} complete: {} rows in Kafka; streaming from {}", slot, rows,
                        exported.consistentPoint());
                return exported.slot();
            } finally {
                progress.end();
            }
        }
    }

    /**
     * A chunk of one table's events being encoded (or encoded), or the mark that the table is done.
     *
     * @param bytes what the chunk holds of the {@link ChunkBudget} until it is published
     */
    private record Chunk(TableId table, Future<List<EncodedEvent>> events, int rows, long bytes, boolean tableDone) {

        static Chunk done(TableId table) {
            return new Chunk(table, CompletableFuture.completedFuture(List.of()), 0, 0, true);
        }
    }

    /** What the reading threads share with each other and with the publishing stage. */
    private record Reading(String snapshotName, SnapshotPoint point, Queue<SnapshotTable> pending,
                           CountDownLatch imported, BlockingQueue<Chunk> handOff, ExecutorService encoders,
                           ChunkBudget budget, AtomicBoolean aborted, Set<Connection> connections) {
    }

    private long readAndPublish(List<SnapshotTable> tables, ExportedSnapshot exported, SnapshotPoint point,
                                Function<TableId, List<ChangeEvent>> afterTable, BooleanSupplier stopRequested,
                                String slot) throws SQLException, InterruptedException {
        if (tables.isEmpty()) {
            return 0;
        }
        int readers = Math.min(settings.parallelism(), tables.size());
        int encoders = encodingThreads();
        ExecutorService pool = Executors.newFixedThreadPool(readers, daemonThreads("tributary-snapshot-"));
        ExecutorService encoding = Executors.newFixedThreadPool(encoders,
                daemonThreads("tributary-snapshot-encode-"));
        Reading reading = new Reading(exported.snapshotName(), point, new ConcurrentLinkedQueue<>(tables),
                new CountDownLatch(readers), new ArrayBlockingQueue<>(2 * (readers + encoders)), encoding,
                ChunkBudget.forHeap(Runtime.getRuntime().maxMemory()), new AtomicBoolean(),
                ConcurrentHashMap.newKeySet());
        LOG.info("snapshot: {} reader(s), {} encoding thread(s), up to {} MiB of chunks in memory", readers, encoders,
                reading.budget().limitBytes() >> 20);
        AckTracker tracker = new AckTracker(exported.consistentPoint());
        try (KafkaPublisher publisher = sink.publishers().apply(tracker)) {
            List<Future<?>> workers = new ArrayList<>(readers);
            for (int i = 0; i < readers; i++) {
                workers.add(pool.submit(() -> {
                    read(reading);
                    return null;
                }));
            }
            while (!reading.imported().await(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                throwIfFailedOrStopped(workers, stopRequested, slot);
            }
            exported.close(); // every reader holds the snapshot now; the export is no longer needed
            long rows = publishAll(reading, workers, new Publishing(publisher, tracker, afterTable), stopRequested,
                    slot);
            publisher.flush();
            tracker.flushableLsn(); // throws if Kafka gave up on any event
            if (tracker.unacknowledgedEvents() != 0) {
                throw new IllegalStateException("the snapshot of slot " + slot + " ended with "
                        + tracker.unacknowledgedEvents() + " events not acknowledged by Kafka");
            }
            return rows;
        } finally {
            reading.aborted().set(true);
            reading.connections().forEach(InitialSnapshot::abortQuietly); // unblocks a reader waiting on a lock
            pool.shutdownNow();
            encoding.shutdownNow();
        }
    }

    /** One encoding thread per processor the JVM may use: encoding is pure CPU work. */
    static int encodingThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger number = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /**
     * Where the publishing stage sends events.
     *
     * @param afterTable what follows a table's last row in its partition (its sweep, or nothing)
     */
    private record Publishing(KafkaPublisher publisher, AckTracker tracker,
                              Function<TableId, List<ChangeEvent>> afterTable) {
    }

    /**
     * The publishing stage: runs until every reader finished and every chunk is published, taking chunks in the
     * order the readers handed them over (so each table's in its key order, whichever encoding thread finished
     * first) and waiting for each one's encoding. A table's sweep (if any) is published when its reader says it is
     * done, so it follows every row of the table.
     */
    private long publishAll(Reading reading, List<Future<?>> workers, Publishing out, BooleanSupplier stopRequested,
                            String slot) throws SQLException, InterruptedException {
        AckTracker tracker = out.tracker();
        InFlightTransaction snapshot = tracker.begin(); // never committed: nothing is ever flushed for it
        long rows = 0;
        while (true) {
            throwIfFailedOrStopped(workers, stopRequested, slot);
            Chunk chunk = reading.handOff().poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
            if (chunk == null) {
                if (workers.stream().allMatch(Future::isDone) && reading.handOff().isEmpty()) {
                    throwIfFailedOrStopped(workers, stopRequested, slot);
                    return rows;
                }
            } else if (chunk.tableDone()) {
                for (ChangeEvent event : out.afterTable().apply(chunk.table())) {
                    out.publisher().publish(event, snapshot);
                }
                progress.tableDone(chunk.table(), clock.millis());
            } else {
                List<EncodedEvent> events = encoded(chunk, workers, stopRequested, slot);
                for (int i = 0; i < events.size(); i++) {
                    while (tracker.unacknowledgedEvents() >= sink.maxUnacknowledgedEvents()) {
                        tracker.awaitCapacity(sink.maxUnacknowledgedEvents(), POLL_MILLIS);
                        tracker.flushableLsn();
                        throwIfFailedOrStopped(workers, stopRequested, slot);
                    }
                    out.publisher().publishEncoded(events.set(i, null), snapshot); // Kafka holds its own copy now
                }
                reading.budget().giveBack(chunk.bytes());
                rows += chunk.rows();
                progress.published(chunk.table(), chunk.rows(), clock.millis());
            }
            tracker.flushableLsn(); // throws if Kafka gave up on any event
            progress.logIfDue(clock.millis());
        }
    }

    /** The chunk's events once encoded; a value its type does not accept fails the snapshot, naming it. */
    private static List<EncodedEvent> encoded(Chunk chunk, List<Future<?>> workers, BooleanSupplier stopRequested,
                                              String slot) throws SQLException, InterruptedException {
        while (true) {
            try {
                return chunk.events().get(POLL_MILLIS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throwIfFailedOrStopped(workers, stopRequested, slot);
            } catch (ExecutionException e) {
                throw readerFailure(e.getCause(), slot);
            }
        }
    }

    /**
     * The reading stage, one per thread: import the snapshot, then read tables until none is left. Each chunk read
     * is split into batches of {@value #ENCODING_BATCH_ROWS} rows; each takes its share of the {@link ChunkBudget},
     * is given to an encoding thread and handed over (as its pending encoding) in the order it was read.
     */
    private void read(Reading reading) throws SQLException, InterruptedException {
        Connection opened = null;
        try (Connection connection = source.endpoint().openSnapshotConnection()) {
            opened = connection;
            reading.connections().add(connection);
            TableReader.importSnapshot(connection, reading.snapshotName());
            reading.imported().countDown();
            TableReader reader = new TableReader(connection, settings.chunkSize());
            SnapshotTable table;
            while (!reading.aborted().get() && (table = reading.pending().poll()) != null) {
                ReadEventEncoder encoder = new ReadEventEncoder(table, source.converter(), reading.point(),
                        sink.envelope());
                reader.read(table, (read, rows) -> {
                    for (int from = 0; from < rows.size(); from += ENCODING_BATCH_ROWS) {
                        handOver(reading, encoding(reading, encoder,
                                rows.subList(from, Math.min(rows.size(), from + ENCODING_BATCH_ROWS))));
                    }
                });
                handOver(reading, Chunk.done(table.table()));
            }
        } finally {
            if (opened != null) {
                reading.connections().remove(opened);
            }
        }
    }

    /** Takes the rows' share of the budget (waiting for it) and starts encoding them on an encoding thread. */
    private static Chunk encoding(Reading reading, ReadEventEncoder encoder, List<String[]> rows)
            throws InterruptedException {
        long bytes = encoder.estimatedBytes(rows);
        while (!reading.budget().tryTake(bytes, POLL_MILLIS)) {
            if (reading.aborted().get()) {
                throw new InterruptedException("snapshot aborted");
            }
        }
        Future<List<EncodedEvent>> events = reading.encoders().submit(() -> {
            ReadEventEncoder mine = encoder.copy();
            List<EncodedEvent> encoded = new ArrayList<>(rows.size());
            for (int i = 0; i < rows.size(); i++) {
                encoded.add(mine.encode(rows.set(i, null))); // the text can go as soon as it is encoded
            }
            return encoded;
        });
        return new Chunk(encoder.table(), events, rows.size(), bytes, false);
    }

    private static void handOver(Reading reading, Chunk chunk) throws InterruptedException {
        while (!reading.handOff().offer(chunk, POLL_MILLIS, TimeUnit.MILLISECONDS)) {
            if (reading.aborted().get()) {
                throw new InterruptedException("snapshot aborted");
            }
        }
    }

    private static void throwIfFailedOrStopped(List<Future<?>> workers, BooleanSupplier stopRequested, String slot)
            throws SQLException, InterruptedException {
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("the snapshot of slot " + slot + " was interrupted");
        }
        if (stopRequested.getAsBoolean()) {
            throw new SnapshotAbortedException(slot);
        }
        for (Future<?> worker : workers) {
            if (worker.isDone()) {
                try {
                    worker.get();
                } catch (ExecutionException e) {
                    throw readerFailure(e.getCause(), slot);
                }
            }
        }
    }

    private static SQLException readerFailure(Throwable cause, String slot) {
        if (cause instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (cause instanceof SQLException sql) {
            return sql;
        }
        return new SQLException("a reader of the snapshot of slot " + slot + " failed: " + cause, cause);
    }

    private static void abortQuietly(Connection connection) {
        try {
            connection.abort(Runnable::run);
        } catch (SQLException | RuntimeException e) {
            LOG.debug("aborting a snapshot reader's connection failed: {}", e.getMessage());
        }
    }
}
