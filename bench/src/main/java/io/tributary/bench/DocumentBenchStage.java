package io.tributary.bench;

import static io.tributary.bench.BenchText.progress;
import static io.tributary.bench.BenchText.seconds;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What every phase of the joined-documents benchmark works with: its options, the run's directory, the shop's
 * tables, Elasticsearch, where the services connect, and the servers' process ids for their CPU time.
 */
record DocumentBenchStage(JoinedDocumentsBenchOptions options, Path directory, ShopTables shop,
                          ElasticsearchRest elasticsearch, DocumentServices.Endpoints endpoints, long postmasterPid,
                          long elasticsearchPid, long kafkaPid) {

    /**
     * The orders {@code where} says ("" for all) exported with the join and bulk-indexed into {@code index} (null:
     * read only) at {@code version}, with the options' ceiling request shape.
     */
    JoinExport.Figures export(String where, String index, long version) throws Exception {
        return JoinExport.run(shop, new JoinExport.Target(where, index, version, options.ceilingBatch(),
                options.ceilingConcurrency()), elasticsearch, postmasterPid, elasticsearchPid, options.timeout());
    }

    /**
     * Waits until Elasticsearch runs no merge, so that no phase pays for the merges of the one before (they are
     * background work of the writes before, in neither phase's time).
     */
    void settle() throws Exception {
        long started = System.nanoTime();
        long deadline = started + options.timeout().toNanos();
        while (elasticsearch.mergesRunning() > 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Elasticsearch still merges after " + options.timeout().toMinutes()
                        + " min");
            }
            Thread.sleep(200);
        }
        long waited = System.nanoTime() - started;
        if (waited > 1_000_000_000L) {
            progress("waited " + seconds(Duration.ofNanos(waited)) + " for Elasticsearch's merges to finish");
        }
    }
}
