package io.tributary.ops;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.noop.NoopTimer;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * A histogram of the time from a transaction's commit in PostgreSQL to a later stage of the pipeline (Kafka's
 * acknowledgement, Elasticsearch's acceptance), in the {@link HistogramBuckets#commitToStage()} buckets.
 *
 * <p>The commit timestamp is PostgreSQL's clock and the stage is this host's: skew between the two shows up as
 * latency (a negative difference is recorded as 0). Changes without a commit timestamp are not recorded.
 *
 * <p>Thread-safe; recording allocates nothing.
 */
public final class CommitLatency {

    /** Records nothing: for a stream whose changes are not commits (an initial snapshot's rows). */
    public static final CommitLatency NONE = new CommitLatency(new NoopTimer(new Meter.Id("tributary.none",
            Tags.empty(), null, null, Meter.Type.TIMER)), Clock.systemUTC());

    private final Timer timer;
    private final Clock clock;

    private CommitLatency(Timer timer, Clock clock) {
        this.timer = timer;
        this.clock = clock;
    }

    /** Registers the histogram {@code name}; {@code stage} completes the description "Commit in PostgreSQL to ...". */
    public static CommitLatency register(MeterRegistry registry, String name, String stage, Clock clock) {
        return new CommitLatency(Timer.builder(name)
                .description("Commit in PostgreSQL (its clock) to " + stage + " (this host's clock); clock skew shows"
                        + " up as latency")
                .serviceLevelObjectives(HistogramBuckets.commitToStage())
                .register(registry), clock);
    }

    /** The stage is reached now; does nothing when {@code commitTimestamp} is null (not known). */
    public void reachedNow(Instant commitTimestamp) {
        if (commitTimestamp != null) {
            reachedAt(clock.millis(), commitTimestamp);
        }
    }

    /** The stage was reached at {@code epochMillis}, by this host's clock; {@code commitTimestamp} is not null. */
    public void reachedAt(long epochMillis, Instant commitTimestamp) {
        timer.record(Math.max(0, epochMillis - commitTimestamp.toEpochMilli()), TimeUnit.MILLISECONDS);
    }
}
