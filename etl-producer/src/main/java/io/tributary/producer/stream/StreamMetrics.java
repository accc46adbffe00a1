package io.tributary.producer.stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tributary.ops.CommitLatency;
import io.tributary.producer.publish.AckTracker;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/** The stream's meters ({@code tributary.producer.*}), registered once for every session of the process. */
public final class StreamMetrics {

    private final MeterRegistry registry;
    private final StreamPositions positions = StreamPositions.atStart();
    private final AtomicReference<AckTracker> currentTracker = new AtomicReference<>();
    private final CommitLatency commitToAcknowledged;
    private final Counter reconnects;

    /**
     * @param streaming whether this producer streams the slot now
     * @param standby   whether it waits on the slot's lock, which another producer holds
     */
    public StreamMetrics(MeterRegistry registry, Clock clock, BooleanSupplier streaming, BooleanSupplier standby) {
        this.registry = registry;
        Gauge.builder("tributary.producer.received.lsn", positions.received(), AtomicLong::get)
                .description("WAL position last received from the server").register(registry);
        Gauge.builder("tributary.producer.flushed.lsn", positions.flushed(), AtomicLong::get)
                .description("WAL position last reported to PostgreSQL as flushed (safely in Kafka)").register(registry);
        Gauge.builder("tributary.producer.lag.bytes", positions,
                        p -> Math.max(0, p.received().get() - p.flushed().get()))
                .description("WAL received but not yet confirmed to PostgreSQL").register(registry);
        Gauge.builder("tributary.producer.lag.milliseconds", positions.lagMillis(), AtomicLong::get)
                .description("Receive time minus commit time of the last transaction; 0 when idle").register(registry);
        Gauge.builder("tributary.producer.streaming", () -> streaming.getAsBoolean() ? 1 : 0)
                .description("1 while this producer streams the slot (0 while standby or reconnecting)")
                .register(registry);
        Gauge.builder("tributary.producer.standby", () -> standby.getAsBoolean() ? 1 : 0)
                .description("1 while this producer waits on the slot's lock, which another producer holds")
                .register(registry);
        this.commitToAcknowledged = CommitLatency.register(registry, "tributary.producer.commit.to.acknowledged",
                "Kafka acknowledging the transaction's last event", clock);
        Gauge.builder("tributary.producer.unacknowledged.events", currentTracker,
                        t -> t.get() == null ? 0 : t.get().unacknowledgedEvents())
                .description("Events sent to Kafka and not yet acknowledged").register(registry);
        this.reconnects = Counter.builder("tributary.producer.reconnects")
                .description("Stream sessions restarted after a lost connection or a Kafka failure").register(registry);
    }

    public StreamPositions positions() {
        return positions;
    }

    MeterRegistry registry() {
        return registry;
    }

    CommitLatency commitToAcknowledged() {
        return commitToAcknowledged;
    }

    /** The tracker of the session now streaming, whose unacknowledged events the gauge shows. */
    void sessionStarted(AckTracker tracker) {
        currentTracker.set(tracker);
    }

    void reconnected() {
        reconnects.increment();
    }
}
