package io.tributary.subscriber.apply;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Joined documents' metrics: documents written and marked deleted per document type, full builds running and their
 * progress, waits for a change to become visible, documents Elasticsearch refused. Thread-safe.
 */
final class DocumentMetrics {

    private final MeterRegistry registry;
    private final Map<String, Counter> rebuilt = new ConcurrentHashMap<>();
    private final Map<String, Counter> deleted = new ConcurrentHashMap<>();
    private final Map<String, Counter> refused = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> building = new ConcurrentHashMap<>();
    private final Counter visibilityWaits;

    DocumentMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.visibilityWaits = Counter.builder("tributary.subscriber.document.visibility.waits")
                .description("Times a rebuild found the transaction that caused it not yet visible and waited")
                .register(registry);
    }

    void written(String document, long documents, long markers) {
        counter(rebuilt, "tributary.subscriber.documents.rebuilt", document,
                "Joined documents written (rebuilt from PostgreSQL)").increment(documents);
        counter(deleted, "tributary.subscriber.documents.deleted", document,
                "Joined documents marked deleted (their root row no longer exists)").increment(markers);
    }

    void refused(String document, long documents) {
        counter(refused, "tributary.subscriber.documents.refused", document,
                "Joined documents Elasticsearch refused for good (logged with the reason)").increment(documents);
    }

    /** The gauge of partitions whose document rebuilds run in the background, their records waiting. */
    void parkedPartitions(java.util.function.Supplier<Number> count) {
        io.micrometer.core.instrument.Gauge.builder("tributary.subscriber.document.parked.partitions", count)
                .description("Partitions whose document rebuilds run in the background while their records wait")
                .register(registry);
    }

    void visibilityWait() {
        visibilityWaits.increment();
    }

    /** The gauge of documents built so far by the running full build of {@code document} (0 when none runs). */
    AtomicLong buildProgress(String document) {
        return building.computeIfAbsent(document, name -> registry.gauge("tributary.subscriber.document.build.documents",
                io.micrometer.core.instrument.Tags.of("document", name), new AtomicLong()));
    }

    private Counter counter(Map<String, Counter> counters, String name, String document, String description) {
        return counters.computeIfAbsent(document, d -> Counter.builder(name).tag("document", d)
                .description(description).register(registry));
    }
}
