package io.tributary.producer;

import io.micrometer.core.instrument.MeterRegistry;
import io.tributary.model.Lsn;
import io.tributary.ops.ServiceLauncher;
import io.tributary.ops.ServiceLoop;
import io.tributary.producer.stream.StreamLoop;
import io.tributary.producer.stream.StreamMetrics;
import io.tributary.producer.stream.StreamSetup;
import io.tributary.producer.stream.StreamStartup;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;

/**
 * The walreceiver service: {@link StreamStartup} checks the database and Kafka, then a {@link StreamLoop} streams the
 * slot in sessions on a thread of its own (docs/design.md, "Sessions, reconnects, standby and slot loss").
 *
 * <p>{@link #start()} fails with what to fix, or returns with the slot's lock taken and the first session open (so
 * the slot exists), or as a standby (ready, not active) when another producer holds the lock. Only what Kafka
 * acknowledged is ever confirmed to PostgreSQL, so a new session may resend changes (at least once), never skip one.
 * {@link #close()} stops reading, waits for Kafka to acknowledge what was sent, reports the final flushed position
 * to PostgreSQL and closes everything. Thread-safe.
 */
public final class EtlProducer implements ServiceLauncher.Service {

    private final ProducerSettings settings;
    private final Clock clock = Clock.systemUTC();
    private final ServiceLoop loop = new ServiceLoop("tributary-replication");
    private final StreamMetrics metrics;
    private volatile StreamLoop stream;

    public EtlProducer(ProducerSettings settings, MeterRegistry metrics) {
        this.settings = settings;
        this.metrics = new StreamMetrics(metrics, clock, this::isActive, this::isStandby);
    }

    /**
     * Checks the database and Kafka, prepares the publication and topic, and starts streaming in the background.
     *
     * @throws IllegalStateException or SQLException with what to fix, when a check fails
     */
    @Override
    public synchronized void start() throws SQLException {
        StreamSetup setup = StreamStartup.prepare(settings);
        StreamLoop started = StreamLoop.create(settings, setup, metrics, clock, loop::stopRequested);
        started.openFirstSession();
        stream = started;
        started.runOn(loop);
    }

    /**
     * The readiness probe: true while this producer streams the slot or waits as a healthy standby (another
     * producer holds the lock), so a Deployment of two reports both ready; false while starting, reconnecting or
     * backing off. {@link #isActive()} tells which one streams.
     */
    @Override
    public boolean isReady() {
        return isActive() || isStandby();
    }

    /** True while this producer streams the slot ({@code /health/active}, {@code tributary_producer_streaming}). */
    @Override
    public boolean isActive() {
        StreamLoop current = stream;
        return current != null && current.isActive();
    }

    private boolean isStandby() {
        StreamLoop current = stream;
        return current != null && current.isStandby();
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
        return Lsn.of(metrics.positions().flushed().get());
    }

    /** Stops gracefully: see the class description. Idempotent. */
    @Override
    public void close() throws InterruptedException {
        loop.stop();
    }
}
