package io.tributary.producer.snapshot;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tributary.model.TableId;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The snapshot's progress as logs and metrics: every {@code logInterval} one line per table being read (rows done,
 * estimate, rate, ETA), a line when a table is done, and the gauges {@code tributary.producer.snapshot.rows{table}},
 * {@code tributary.producer.snapshot.rows.estimated{table}} and {@code tributary.producer.snapshot.running}.
 *
 * <p>Time is passed in ({@code nowMillis}). Updated by the publishing thread only; the gauges are read by any.
 */
final class SnapshotProgress {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotProgress.class);

    private final MeterRegistry metrics;
    private final Duration logInterval;
    private final AtomicInteger running = new AtomicInteger();
    /** Per table, kept across snapshots of this process so the gauges stay registered once. */
    private final Map<TableId, TableGauges> gauges = new HashMap<>();
    private final Map<TableId, Long> startedAtMillis = new LinkedHashMap<>();
    private long lastLogMillis;

    SnapshotProgress(MeterRegistry metrics, Duration logInterval) {
        this.metrics = metrics;
        this.logInterval = logInterval;
        Gauge.builder("tributary.producer.snapshot.running", running, AtomicInteger::get)
                .description("1 while a snapshot (the initial one, or an incremental one of a table) is being read and published, else 0").register(metrics);
    }

    private record TableGauges(AtomicLong rows, AtomicLong estimated) {
    }

    /** A snapshot of these tables begins: counters start from zero. */
    void begin(List<SnapshotTable> tables, long nowMillis) {
        startedAtMillis.clear();
        for (SnapshotTable table : tables) {
            TableGauges counters = gaugesOf(table.table());
            counters.rows().set(0);
            counters.estimated().set(Math.max(0, table.estimatedRows()));
        }
        lastLogMillis = nowMillis;
        running.set(1);
    }

    /** {@code rows} more rows of {@code table} were handed to Kafka. */
    void published(TableId table, int rows, long nowMillis) {
        startedAtMillis.putIfAbsent(table, nowMillis);
        gaugesOf(table).rows().addAndGet(rows);
    }

    /** Every row of {@code table} was handed to Kafka. */
    void tableDone(TableId table, long nowMillis) {
        Long started = startedAtMillis.remove(table);
        long rows = gaugesOf(table).rows().get();
        LOG.info("snapshot of {} done: {} rows in {}", table, rows,
                ProgressEstimate.humanDuration(Duration.ofMillis(started == null ? 0 : nowMillis - started)));
    }

    /** Logs one line per table being read, when {@code logInterval} has passed since the last time. */
    void logIfDue(long nowMillis) {
        if (nowMillis - lastLogMillis < logInterval.toMillis()) {
            return;
        }
        lastLogMillis = nowMillis;
        startedAtMillis.forEach((table, started) -> LOG.info("snapshot of {}: {}", table,
                estimate(table, nowMillis - started).describe()));
    }

    /** The snapshot ended, complete or not. */
    void end() {
        running.set(0);
        startedAtMillis.clear();
    }

    ProgressEstimate estimate(TableId table, long elapsedMillis) {
        TableGauges counters = gaugesOf(table);
        return new ProgressEstimate(counters.rows().get(), counters.estimated().get(),
                Duration.ofMillis(elapsedMillis));
    }

    private TableGauges gaugesOf(TableId table) {
        return gauges.computeIfAbsent(table, id -> {
            TableGauges created = new TableGauges(new AtomicLong(), new AtomicLong());
            Gauge.builder("tributary.producer.snapshot.rows", created.rows(), AtomicLong::get).tag("table", id.toString())
                    .description("Rows of the table read by the current (or last) snapshot and handed to Kafka")
                    .register(metrics);
            Gauge.builder("tributary.producer.snapshot.rows.estimated", created.estimated(), AtomicLong::get)
                    .tag("table", id.toString())
                    .description("The table's estimated row count (pg_class.reltuples) when its snapshot began")
                    .register(metrics);
            return created;
        });
    }
}
