package io.tributary.producer.publish;

import io.tributary.model.Lsn;
import io.tributary.ops.CommitLatency;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Decides how far PostgreSQL may be told the stream is flushed.
 *
 * <p><b>Invariant:</b> the flushable LSN is the end LSN of the newest transaction that has committed and whose
 * events, <em>and every earlier transaction's events</em>, Kafka has acknowledged. It never moves past a
 * transaction with an unacknowledged event, whatever order Kafka's acknowledgements arrive in, and it stops for
 * good once any send has failed (the stream must then be restarted from the last flushed position, which replays
 * the failed events).
 *
 * <p>When nothing is in flight, the position the server reports in its keepalives may be flushed too
 * ({@link #idleAt}): every transaction that committed before it has been received and acknowledged, and any
 * transaction still running commits after it and will be sent. This keeps a slot whose tables are quiet from
 * holding back WAL on a busy database.
 *
 * <p>Memory is one small entry per transaction still waiting for Kafka, whatever the transaction's size.
 *
 * <p>A transaction is acknowledged once it has committed and Kafka acknowledged every one of its events: then, if it
 * had events and a commit timestamp, its commit-to-acknowledged time is recorded ({@link CommitLatency}). When the
 * last acknowledgement comes before the Commit message is handled, the time is taken at the Commit.
 *
 * <p>Thread-safe: the replication thread begins, counts and commits transactions; Kafka's I/O thread reports
 * acknowledgements.
 */
public final class AckTracker {

    private final Deque<InFlightTransaction> transactions = new ArrayDeque<>();
    private final CommitLatency commitToAcknowledged;
    private Lsn flushable;
    private long unacknowledgedEvents;
    private RuntimeException firstFailure;

    /** @param alreadyFlushed the position PostgreSQL already holds as flushed for this slot */
    public AckTracker(Lsn alreadyFlushed) {
        this(alreadyFlushed, CommitLatency.NONE);
    }

    /**
     * @param alreadyFlushed       the position PostgreSQL already holds as flushed for this slot
     * @param commitToAcknowledged where each transaction's commit-to-acknowledged time goes
     */
    public AckTracker(Lsn alreadyFlushed, CommitLatency commitToAcknowledged) {
        this.flushable = alreadyFlushed;
        this.commitToAcknowledged = commitToAcknowledged;
    }

    /** A transaction's Begin arrived; its events will be counted against the returned handle. */
    public synchronized InFlightTransaction begin() {
        InFlightTransaction transaction = new InFlightTransaction();
        transactions.addLast(transaction);
        return transaction;
    }

    /** An event of {@code transaction} was handed to Kafka. */
    public synchronized void sent(InFlightTransaction transaction) {
        transaction.pendingEvents++;
        transaction.sentEvents = true;
        unacknowledgedEvents++;
    }

    /** Kafka acknowledged one event of {@code transaction}. */
    public synchronized void acknowledged(InFlightTransaction transaction) {
        transaction.pendingEvents--;
        unacknowledgedEvents--;
        if (transaction.pendingEvents == 0 && transaction.endLsn != null) {
            recordAcknowledged(transaction);
        }
        notifyAll();
    }

    /** Kafka gave up on one event of {@code transaction}: nothing will be flushed past it, ever. */
    public synchronized void failed(InFlightTransaction transaction, String what, Exception cause) {
        transaction.pendingEvents--;
        transaction.failed = true;
        unacknowledgedEvents--;
        if (firstFailure == null) {
            firstFailure = new KafkaSendFailedException(what, cause);
        }
        notifyAll();
    }

    /**
     * Events published between transactions ended at {@code endLsn}: they are not a commit, no latency is recorded.
     */
    public synchronized void committed(InFlightTransaction transaction, Lsn endLsn) {
        committed(transaction, endLsn, null);
    }

    /**
     * The transaction's Commit arrived; {@code endLsn} is the position just past its commit record and
     * {@code commitTimestamp} when it committed (null when not known).
     */
    public synchronized void committed(InFlightTransaction transaction, Lsn endLsn, Instant commitTimestamp) {
        transaction.endLsn = endLsn;
        transaction.commitTimestamp = commitTimestamp;
        if (transaction.pendingEvents == 0) {
            recordAcknowledged(transaction);
        }
    }

    private void recordAcknowledged(InFlightTransaction transaction) {
        if (transaction.sentEvents && !transaction.failed) {
            commitToAcknowledged.reachedNow(transaction.commitTimestamp);
        }
    }

    /**
     * The newest position that may be reported to PostgreSQL as flushed (see the class invariant).
     *
     * @throws KafkaSendFailedException once any send has failed
     */
    public synchronized Lsn flushableLsn() {
        if (firstFailure != null) {
            throw firstFailure;
        }
        removeAcknowledgedTransactions();
        return flushable;
    }

    /**
     * The stream is idle at {@code serverPosition} (a keepalive's WAL position, no data pending): if no transaction
     * is in flight, that position becomes flushable.
     */
    public synchronized void idleAt(Lsn serverPosition) {
        removeAcknowledgedTransactions();
        if (transactions.isEmpty() && firstFailure == null && serverPosition.isAfter(flushable)) {
            flushable = serverPosition;
        }
    }

    private void removeAcknowledgedTransactions() {
        while (firstFailure == null && !transactions.isEmpty()) {
            InFlightTransaction oldest = transactions.peekFirst();
            if (oldest.endLsn == null || oldest.pendingEvents > 0) {
                break;
            }
            if (oldest.endLsn.isAfter(flushable)) {
                flushable = oldest.endLsn;
            }
            transactions.removeFirst();
        }
    }

    /** Events handed to Kafka and not yet acknowledged or failed. */
    public synchronized long unacknowledgedEvents() {
        return unacknowledgedEvents;
    }

    /**
     * Waits until fewer than {@code limit} events are unacknowledged, a send failed, or {@code timeoutMillis}
     * passed. The replication loop calls this instead of reading on when Kafka falls behind (backpressure).
     */
    public synchronized void awaitCapacity(long limit, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        long remaining;
        while (unacknowledgedEvents >= limit && firstFailure == null
                && (remaining = deadline - System.nanoTime()) > 0) {
            wait(Math.max(1, remaining / 1_000_000L));
        }
    }

    /** One transaction on its way to Kafka. Fields are guarded by the tracker's lock. */
    public static final class InFlightTransaction {
        private long pendingEvents;
        private boolean sentEvents;
        private boolean failed;
        private Lsn endLsn;
        private Instant commitTimestamp;

        private InFlightTransaction() {
        }
    }
}
