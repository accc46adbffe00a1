package io.tributary.subscriber.apply;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tributary.ops.HistogramBuckets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * What {@link BulkApplier} counts and times. Counters tagged by index are looked up once per index (and action) and
 * kept, as they are bumped for every document. Thread-safe: bulk requests of several partitions report at once.
 *
 * <p>The {@code index} tag is where the subscriber writes: the table's index, or its alias when one is configured.
 */
final class ApplyMetrics {

    private final MeterRegistry registry;
    private final Timer bulkLatency;
    private final DistributionSummary bulkOperations;
    private final Map<String, Counter> documents = new ConcurrentHashMap<>();
    private final Map<String, Counter> versionConflicts = new ConcurrentHashMap<>();
    private final Map<String, Counter> swept = new ConcurrentHashMap<>();

    ApplyMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.bulkLatency = Timer.builder("tributary.subscriber.bulk.latency")
                .description("Time of one bulk request to Elasticsearch")
                .serviceLevelObjectives(HistogramBuckets.request())
                .register(registry);
        this.bulkOperations = DistributionSummary.builder("tributary.subscriber.bulk.operations")
                .description("Operations in one bulk request to Elasticsearch")
                .serviceLevelObjectives(HistogramBuckets.bulkOperations())
                .register(registry);
    }

    void bulkRequest(int operations, long nanos) {
        bulkOperations.record(operations);
        bulkLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Elasticsearch applied one action of {@code kind} to a document of {@code index}. */
    void applied(String index, BulkAction.Kind kind) {
        documents.computeIfAbsent(index + '\u0000' + kind.label(), key -> registry.counter(
                "tributary.subscriber.documents", "index", index, "action", kind.label())).increment();
    }

    /** Elasticsearch held a newer version of the document: the change was stale. */
    void versionConflict(String index) {
        versionConflicts(index, 1);
    }

    /** Elasticsearch held a newer version of {@code documents} documents. */
    void versionConflicts(String index, long documents) {
        versionConflicts.computeIfAbsent(index, key -> registry.counter("tributary.subscriber.version.conflicts",
                "index", index)).increment(documents);
    }

    void unchangedMissing(String index) {
        registry.counter("tributary.subscriber.unchanged.missing", "index", index).increment();
    }

    /** A sweep marked {@code documents} stale documents of {@code index} deleted ({@link StaleDocumentSweep}). */
    void swept(String index, long documents) {
        swept.computeIfAbsent(index, key -> Counter.builder("tributary.subscriber.swept.documents")
                .description("Documents a sweep marked deleted: copies of rows deleted while nothing was streamed")
                .tag("index", index).register(registry)).increment(documents);
    }

    void truncated(String index) {
        registry.counter("tributary.subscriber.truncates", "index", index).increment();
    }

    /** A truncate marked {@code documents} documents of {@code index} deleted. */
    void truncatedDocuments(String index, long documents) {
        Counter.builder("tributary.subscriber.truncated.documents")
                .description("Documents a truncate marked deleted").tag("index", index).register(registry)
                .increment(documents);
    }

    /**
     * An attempt failed because {@code index} is closed or missing ({@code reason}, {@link UnavailableIndex}): its
     * batch is retried, nothing dead-lettered.
     */
    void indexUnavailable(String index, String reason) {
        Counter.builder("tributary.subscriber.index.unavailable")
                .description("Attempts that failed because an index is closed or missing; retried, never dead-lettered")
                .tag("index", index).tag("reason", reason).register(registry).increment();
    }

    /** The purge removed {@code markers} delete markers of {@code index} that no older write can reach any more. */
    void purged(String index, long markers) {
        Counter.builder("tributary.subscriber.purged.markers")
                .description("Delete markers removed after deletes.keep-for").tag("index", index).register(registry)
                .increment(markers);
    }

    /** A purge of delete markers failed; it is tried again at the next interval. */
    void purgeFailed() {
        registry.counter("tributary.subscriber.purge.failures").increment();
    }
}
