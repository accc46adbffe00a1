package io.tributary.bench;

import static io.tributary.bench.BenchText.seconds;
import static io.tributary.bench.BenchText.secondsOf;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** The text report of one joined-documents benchmark run ({@link JoinedDocumentsBench}). Stateless. */
final class JoinedDocumentsReport {

    private JoinedDocumentsReport() {
    }

    /**
     * What one run measured.
     *
     * @param ceiling the direct export with the ceiling's request shape ({@code --ceiling-batch} ×
     *                {@code --ceiling-concurrency})
     * @param shaped  the direct export with the subscriber's request shape (a page a request, one at a time)
     * @param sqlOnly the export's query alone, nothing indexed
     */
    record Run(JoinedDocumentsBenchOptions options, String machine, int postgresMajor, ShopTables shop,
               long tableBytes, JoinedDocumentsBench.Build build, JoinExport.Figures ceiling,
               JoinExport.Figures shaped, JoinExport.Figures sqlOnly, String comparison,
               StreamingPhases.FanOut fanOut, List<StreamingPhases.Steady> steady, List<GcPause> pauses,
               int subscriberExit, int producerExit, String wholeProfile) {
    }

    static String of(Run run) {
        JoinedDocumentsBenchOptions options = run.options();
        ShopTables shop = run.shop();
        StringBuilder out = new StringBuilder();
        out.append(String.format("Tributary joined-documents benchmark, %s%n", OffsetDateTime.now()
                .truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)));
        out.append(String.format("machine: %s%n", run.machine()));
        out.append(String.format("stack: PostgreSQL %d (fsync off), Kafka single broker, Elasticsearch single node"
                + " with a 512 MiB heap (local-stack)%n", run.postgresMajor()));
        out.append(String.format("data, scale %s: %,d orders, %,d items, %,d customers, %,d products (%,d MiB of"
                        + " tables); document %s = order + customer + items (nested) each with its product%n",
                options.scale(), shop.orders(), shop.items(), shop.customers(), shop.products(),
                run.tableBytes() >> 20, DocumentServices.DOCUMENT));
        out.append(String.format("index.refresh_interval of the document and direct indices: %s%n",
                options.refreshInterval().isEmpty() ? "1s (Elasticsearch's default)" : options.refreshInterval()));
        out.append(String.format("es-subscriber: -Xmx%s, document-rebuild.page-size %d%s%n", options.subscriberHeap(),
                options.pageSize(), options.subscriberSettings().isEmpty() ? ""
                        : ", " + String.join(", ", options.subscriberSettings())));
        if (options.profiling() == BenchOptions.Profiling.JFR) {
            out.append("NOTE: the subscriber ran with a JFR profile; its figures include the recorder's overhead\n");
        }
        build(out, run);
        if (run.fanOut() != null) {
            fanOut(out, run.fanOut());
        }
        if (!run.steady().isEmpty()) {
            steady(out, run);
        }
        double pauseSeconds = run.pauses().stream().mapToDouble(GcPause::millis).sum() / 1000;
        long maxAfter = run.pauses().stream().mapToLong(GcPause::afterBytes).max().orElse(0);
        out.append(String.format("%nsubscriber GC: %d pauses, %.2f s in total, at most %d MiB left after one (%d full);"
                        + " exit status after SIGTERM: subscriber %d, producer %s%n", run.pauses().size(),
                pauseSeconds, maxAfter >> 20, run.pauses().stream().filter(GcPause::full).count(),
                run.subscriberExit(), run.producerExit() < 0 ? "not started" : Integer.toString(run.producerExit())));
        if (!run.build().profile().isEmpty()) {
            out.append(String.format("%nprofile of the subscriber during the full build:%n%s", run.build().profile()));
        }
        if (!run.wholeProfile().isEmpty()) {
            out.append(String.format("%nprofile of the subscriber's whole run:%n%s", run.wholeProfile()));
        }
        return out.toString();
    }

    private static void build(StringBuilder out, Run run) {
        JoinedDocumentsBench.Build build = run.build();
        JoinExport.Figures ceiling = run.ceiling().rate() >= run.shaped().rate() ? run.ceiling() : run.shaped();
        out.append(String.format("%n1. Full build of %,d documents%n", build.documents()));
        out.append(String.format("%-58s %9s %12s%n", "", "time", "documents/s"));
        out.append(String.format("%-58s %9s %,12.0f%n", "es-subscriber, launch until _meta.tributary_built",
                seconds(build.took()), build.rate()));
        out.append(String.format("%-58s %9s %,12.0f%n", "es-subscriber, without startup (first documents on)",
                seconds(build.took().minus(build.startup())), build.rateWithoutStartup()));
        direct(out, String.format("direct: one SQL query, _bulk %d x %d", run.options().ceilingBatch(),
                run.options().ceilingConcurrency()), run.ceiling(), ceiling);
        direct(out, String.format("direct as the subscriber sends: _bulk %d x 1", run.options().pageSize()),
                run.shaped(), ceiling);
        out.append(String.format("%-58s %9s %,12.0f%n", "the SQL query alone, read and dropped",
                seconds(run.sqlOnly().took()), run.sqlOnly().rate()));
        double ratio = build.rate() / ceiling.rate();
        out.append(String.format("ratio to the ceiling (target >= %.2f): %.2f from launch, %.2f without startup:"
                        + " target %s%n", JoinedDocumentsBench.TARGET_RATIO, ratio,
                build.rateWithoutStartup() / ceiling.rate(),
                ratio >= JoinedDocumentsBench.TARGET_RATIO ? "met" : "NOT met"));
        out.append(String.format("CPU during the build: %s%n", build.cpu()));
        if (!build.middle().isEmpty()) {
            out.append(String.format("the build from 20 %% to 80 %% of the documents: %s%n", build.middle()));
        }
        out.append(String.format("Elasticsearch during the build: %s%n", build.work().describe()));
        for (JoinExport.Figures direct : List.of(run.ceiling(), run.shaped(), run.sqlOnly())) {
            out.append(String.format("CPU during the %s: PostgreSQL %.1f s, Elasticsearch %.1f s, harness %.1f s,"
                            + " machine %.1f s (per document: Elasticsearch %.0f us, machine %.0f us)%s%n",
                    direct == run.ceiling() ? "direct export"
                            : direct == run.shaped() ? "direct export as the subscriber sends" : "SQL alone",
                    direct.postgresCpu(), direct.elasticsearchCpu(), direct.harnessCpu(), direct.machineCpu(),
                    direct.elasticsearchCpu() * 1e6 / direct.documents(),
                    direct.machineCpu() * 1e6 / direct.documents(),
                    direct == run.sqlOnly() ? "" : "; Elasticsearch: " + direct.elasticsearchWork().describe()));
        }
        out.append(String.format("subscriber: %,d documents rebuilt (its counter), at most %d MiB of heap used;"
                + " documents of both indices: %s%n", build.rebuilt(), build.maxHeap() >> 20, run.comparison()));
    }

    private static void direct(StringBuilder out, String label, JoinExport.Figures direct, JoinExport.Figures best) {
        out.append(String.format("%-58s %9s %,12.0f%s%n", label, seconds(direct.took()), direct.rate(),
                direct == best ? "  <- ceiling" : ""));
    }

    private static void fanOut(StringBuilder out, StreamingPhases.FanOut fanOut) {
        out.append(String.format("%n2. Fan-out: customer %d renamed, %,d documents to rebuild%n",
                ShopTables.HOT_CUSTOMER, fanOut.documents()));
        out.append(String.format("es-subscriber: commit until the first document showed it %s, until all %s"
                        + " (%,.0f documents/s); CPU %s%n", seconds(fanOut.first()), seconds(fanOut.all()),
                fanOut.documents() / secondsOf(fanOut.all()), fanOut.cpu()));
        out.append(String.format("Elasticsearch meanwhile: %s%n", fanOut.work().describe()));
        out.append(String.format("direct: those orders exported with the join and bulk-indexed: %s (%,.0f"
                        + " documents/s); the subscriber took %.2fx that%n", seconds(fanOut.direct().took()),
                fanOut.direct().rate(), secondsOf(fanOut.all()) / secondsOf(fanOut.direct().took())));
        out.append(String.format("Elasticsearch during the direct export: %s%n",
                fanOut.direct().elasticsearchWork().describe()));
    }

    private static void steady(StringBuilder out, Run run) {
        JoinedDocumentsBenchOptions options = run.options();
        out.append(String.format("%n3. Steady state: item qty updates, %d per transaction on %d connections, %s per"
                        + " run, a probe every %d ms read every %d ms (real-time _mget)%n",
                options.updatesPerTransaction(), options.writers(), seconds(options.steadyDuration()),
                options.probeEvery().toMillis(), options.pollEvery().toMillis()));
        out.append(String.format("%9s %10s %10s %7s %8s %8s %8s %8s %10s %10s %6s%n", "offered/s", "committed/s",
                "sustained/s", "probes", "p50 ms", "p90 ms", "p99 ms", "max ms", "last ms", "rebuilt", "late"));
        for (StreamingPhases.Steady steady : run.steady()) {
            ItemUpdateLoad.Figures f = steady.figures();
            out.append(String.format("%,9d %,10.0f %,10.0f %7d %8.0f %8.0f %8.0f %8.0f %10.0f %,10d %6d%n",
                    f.settings().updatesPerSecond(), f.committedRate(), f.sustainedRate(), f.latenciesNanos().length,
                    f.latencyMillis(0.5), f.latencyMillis(0.9), f.latencyMillis(0.99), f.latencyMillis(1),
                    f.lastProbeNanos() / 1e6, steady.rebuilt(), f.lateTransactions()));
        }
        out.append("committed: updates (and probes) over the writers' first to last commit; sustained: over the first"
                + " commit until the last probe showed (every update applied); last: the last probe's latency, after"
                + " the writers stopped; rebuilt: the subscriber's documents_rebuilt_total meanwhile; late:"
                + " transactions started over 100 ms after their schedule\n");
        for (StreamingPhases.Steady steady : run.steady()) {
            out.append(String.format("at %,d/s: CPU %s; Elasticsearch %s%n",
                    steady.figures().settings().updatesPerSecond(), steady.cpu(), steady.work().describe()));
        }
    }
}
