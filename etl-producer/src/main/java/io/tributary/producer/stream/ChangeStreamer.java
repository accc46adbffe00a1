package io.tributary.producer.stream;

import io.tributary.model.ChangeEvent;
import io.tributary.model.ChangeRecord;
import io.tributary.model.Lsn;
import io.tributary.producer.decoding.ChangeAssembler;
import io.tributary.producer.decoding.MessageDecoder;
import io.tributary.producer.decoding.ReplicationMessage;
import io.tributary.producer.decoding.ReplicationMessage.Begin;
import io.tributary.producer.decoding.ReplicationMessage.Commit;
import io.tributary.producer.decoding.ReplicationMessage.LogicalMessage;
import io.tributary.producer.publish.AckTracker;
import io.tributary.producer.publish.AckTracker.InFlightTransaction;
import io.tributary.producer.publish.KafkaPublisher;
import io.tributary.producer.replication.WalStream;
import io.tributary.producer.snapshot.IncrementalSnapshots;
import java.nio.ByteBuffer;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One stream session, stepped by {@link StreamLoop}: read a message from the slot, decode it, publish its events to
 * Kafka, and report as flushed what the {@link AckTracker} allows, nothing more. Each {@link #runOnce} handles at
 * most one message.
 *
 * <p>Backpressure: when {@code maxUnacknowledgedEvents} events wait for Kafka, the loop stops reading from the slot
 * (PostgreSQL keeps the WAL) and only keeps the connection alive, so memory stays bounded whatever the size of a
 * transaction or of the backlog.
 *
 * <p>Incremental snapshots run in the same loop ({@link IncrementalSnapshots}): it sees every published change and
 * every logical message, starts a chunk when it is due, and publishes a chunk's rows when the chunk's high watermark
 * comes by, through this session's publisher, so the rows stand at that point in every partition.
 *
 * <p>One instance is one replication connection and its Kafka producer. After a lost connection the session is closed
 * and {@link StreamLoop} starts a new one from the slot's confirmed position.
 *
 * <p>Not thread-safe: run by the replication thread only.
 */
final class ChangeStreamer implements StreamSession {

    private static final long IDLE_WAIT_MILLIS = 5;

    private final WalStream stream;
    private final MessageDecoder decoder;
    private final ChangeAssembler assembler;
    private final KafkaPublisher publisher;
    private final AckTracker tracker;
    private final IncrementalSnapshots snapshots;
    private final long maxUnacknowledgedEvents;
    private final Duration statusInterval;
    private final Clock clock;
    private final AtomicLong receivedLsn;
    private final AtomicLong flushedLsn;
    private final AtomicLong lagMillis;
    private InFlightTransaction transaction;
    private long lastKeepAliveMillis;

    ChangeStreamer(Parts parts, IncrementalSnapshots snapshots, StreamingLimits limits, Clock clock,
                   StreamPositions positions) {
        this.stream = parts.stream();
        this.decoder = parts.decoder();
        this.assembler = parts.assembler();
        this.publisher = parts.publisher();
        this.tracker = parts.tracker();
        this.snapshots = snapshots;
        this.maxUnacknowledgedEvents = limits.maxUnacknowledgedEvents();
        this.statusInterval = limits.statusInterval();
        this.clock = clock;
        this.receivedLsn = positions.received();
        this.flushedLsn = positions.flushed();
        this.lagMillis = positions.lagMillis();
        this.lastKeepAliveMillis = clock.millis();
    }

    /**
     * What one session is made of, from the slot to Kafka: its replication connection, the decoder of its plugin,
     * the assembler of change records, and its Kafka publisher with the tracker of what Kafka acknowledged.
     */
    record Parts(WalStream stream, MessageDecoder decoder, ChangeAssembler assembler, KafkaPublisher publisher,
                 AckTracker tracker) {
    }

    /** How much may wait for Kafka, and how often PostgreSQL hears from us. */
    record StreamingLimits(long maxUnacknowledgedEvents, Duration statusInterval) {
    }

    /** Handles at most one message; waits briefly when there is none or when Kafka is behind. */
    @Override
    public void runOnce() throws SQLException, InterruptedException {
        if (tracker.unacknowledgedEvents() >= maxUnacknowledgedEvents) {
            tracker.awaitCapacity(maxUnacknowledgedEvents, statusInterval.toMillis());
            keepAliveWhileNotReading();
            reportFlushed();
            return;
        }
        ByteBuffer message = stream.readPending();
        if (message == null) {
            tracker.idleAt(stream.lastReceivedLsn());
            receivedLsn.set(stream.lastReceivedLsn().value());
            if (transaction == null) {
                lagMillis.set(0);
            }
            reportFlushed();
            snapshots.advance(tracker.unacknowledgedEvents(), maxUnacknowledgedEvents);
            Thread.sleep(IDLE_WAIT_MILLIS);
            return;
        }
        Lsn walLsn = stream.lastReceivedLsn();
        receivedLsn.set(walLsn.value());
        for (ReplicationMessage decoded : decoder.decodeMessages(message, walLsn)) {
            handle(decoded, walLsn);
        }
        reportFlushed();
        if (transaction == null) {
            snapshots.advance(tracker.unacknowledgedEvents(), maxUnacknowledgedEvents);
        }
    }

    private void handle(ReplicationMessage message, Lsn walLsn) throws SQLException, InterruptedException {
        if (message instanceof Begin begin) {
            transaction = tracker.begin();
            recordLag(begin.commitTimestamp());
        }
        for (ChangeRecord change : assembler.accept(message, walLsn)) {
            publisher.publish(snapshots.observe(change), transaction);
        }
        if (message instanceof LogicalMessage logical && transaction == null) {
            snapshots.onMessage(logical, this::publishOutsideTransactions);
        }
        if (message instanceof Commit commit) {
            tracker.committed(transaction, commit.endLsn(), commit.commitTimestamp());
            transaction = null;
            recordLag(commit.commitTimestamp());
        }
    }

    /**
     * Publishes events between two transactions of the stream (a chunk at its high watermark) as a transaction of
     * their own ending at {@code position}, and waits until Kafka acknowledged them, so the caller may record them
     * as done.
     *
     * @throws io.tributary.producer.publish.KafkaSendFailedException when Kafka refused one
     */
    private void publishOutsideTransactions(Lsn position, List<ChangeEvent> events) {
        InFlightTransaction chunk = tracker.begin();
        for (ChangeEvent event : events) {
            publisher.publish(event, chunk);
        }
        tracker.committed(chunk, position);
        publisher.flush();
        tracker.flushableLsn(); // throws if Kafka gave up on any of them
    }

    /** Receive time minus commit time; test_decoding tells the commit time only at the commit. */
    private void recordLag(Instant commitTimestamp) {
        if (commitTimestamp != null) {
            lagMillis.set(Math.max(0, clock.millis() - commitTimestamp.toEpochMilli()));
        }
    }

    /**
     * Reports the tracker's flushable position; pgjdbc sends it at the status interval.
     *
     * @throws io.tributary.producer.publish.KafkaSendFailedException when a send failed
     */
    private void reportFlushed() {
        Lsn flushable = tracker.flushableLsn();
        if (flushable.value() != flushedLsn.get()) {
            stream.reportFlushed(flushable);
            flushedLsn.set(flushable.value());
        }
    }

    /** pgjdbc answers keepalives only while reading; while we do not read, send the status ourselves. */
    private void keepAliveWhileNotReading() throws SQLException {
        long now = clock.millis();
        if (now - lastKeepAliveMillis >= statusInterval.toMillis()) {
            stream.sendStatusNow();
            lastKeepAliveMillis = now;
        }
    }

    /**
     * Graceful stop: waits for Kafka to acknowledge everything sent, then reports and sends the final flushed
     * position. An open transaction's events stay unflushed; PostgreSQL sends that transaction again next time.
     */
    @Override
    public void drainAndReportFinalPosition() throws SQLException {
        publisher.flush();
        reportFlushed();
        stream.sendStatusNow();
    }

    /**
     * Stops publishing at once — the Kafka producer is closed first, failing what it has not sent — then closes the
     * replication connection: for a session whose producer lost the slot's lock.
     */
    @Override
    public void abandon() {
        publisher.abort();
        try {
            stream.close();
        } catch (SQLException | RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(ChangeStreamer.class)
                    .debug("closing the replication connection of an abandoned session failed: {}", e.getMessage());
        }
    }

    /** Closes the replication connection and the Kafka producer (waiting for what it still sends). */
    @Override
    public void close() {
        try {
            stream.close();
        } catch (SQLException | RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(ChangeStreamer.class)
                    .warn("closing the replication connection failed: {}", e.getMessage());
        } finally {
            publisher.close();
        }
    }
}
