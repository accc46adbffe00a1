package io.tributary.bench;

import io.tributary.bench.LatencyBench.Result;
import java.util.List;

/** The latency benchmark's printed report: one table per load phase, the sweep's table and the targets. */
final class LatencyReport {

    private LatencyReport() {
    }

    static String of(LatencyBenchOptions options, String machine, int postgresMajor, List<Result> loads,
                     List<Result> sweep) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("Tributary latency benchmark, %s%n", LatencyBench.now()));
        out.append(String.format("machine: %s; PostgreSQL %d (local-stack, fsync off), Kafka single broker,"
                + " Elasticsearch single node%n", machine, postgresMajor));
        out.append(String.format("load: updates of latency.items (jsonb, text[], numeric, timestamptz) in transactions"
                        + " of %d on %d connections; a probe row every %d ms, committed alone; GET and search polled"
                        + " every %d ms; %d s warm-up (the first phase %d s) + %d s measured per phase; services restarted per"
                        + " phase, -Xmx%s%n", options.changesPerTransaction(), options.writers(),
                options.probeEvery().toMillis(), options.pollEvery().toMillis(), options.warmUp().toSeconds(),
                options.firstWarmUp().toSeconds(), options.measured().toSeconds(), options.heap()));
        out.append("acknowledged: readable in Kafka; applied: found by a real-time GET; searchable: found by a search"
                + " without refresh. From the return of COMMIT; each up to one poll late.\n");
        out.append("histogram: the services' own tributary_producer_commit_to_acknowledged_seconds and"
                + " tributary_subscriber_commit_to_applied_seconds over the measured time (every change, from"
                + " PostgreSQL's commit timestamp), estimated as histogram_quantile does\n");
        for (Result result : loads) {
            out.append(String.format("%n%s: %,d changes/s asked, %,.0f/s committed (%d late transactions),"
                            + " %d probes counted%n", result.phase().name(), result.phase().rate(),
                    result.figures().committedRate(), result.figures().lateTransactions(),
                    result.figures().applied().length));
            out.append(String.format("  %-22s %8s %8s %8s %8s   %-22s%n", "ms", "p50", "p90", "p99", "max",
                    "histogram p50 / p99"));
            measure(out, "commit -> acknowledged", result.figures().acknowledged(),
                    result.histograms().acknowledged());
            measure(out, "commit -> applied", result.figures().applied(), result.histograms().applied());
            measure(out, "commit -> searchable", result.figures().searchable(), null);
            out.append(String.format("  CPU in the %d s measured: %s%n", options.measured().toSeconds(),
                    result.cpu()));
        }
        if (!sweep.isEmpty()) {
            out.append(String.format("%nsweep at %,d changes/s: bulk.max-wait x producer linger.ms (p50 / p99, ms)%n",
                    options.sweepRate()));
            out.append(String.format("  %-16s %-12s %15s %15s %15s %15s%n", "bulk.max-wait", "linger.ms",
                    "acknowledged", "applied", "searchable", "histogram applied"));
            for (Result result : sweep) {
                LatencyLoad.Figures figures = result.figures();
                out.append(String.format("  %-16s %-12s %15s %15s %15s %15s%n", result.phase().maxWaitText(),
                        result.phase().lingerText(), pair(figures.acknowledged()), pair(figures.applied()),
                        pair(figures.searchable()), String.format("%.0f / %.0f",
                                millis(result.histograms().applied(), 0.5), millis(result.histograms().applied(),
                                        0.99))));
            }
        }
        out.append('\n');
        for (Result result : loads) {
            double applied = LatencyLoad.Figures.millis(result.figures().applied(), 0.99);
            double searchable = LatencyLoad.Figures.millis(result.figures().searchable(), 0.99);
            out.append(String.format("%s: p99 commit -> applied %.0f ms (target <= %.0f ms: %s); p99 commit ->"
                            + " searchable %.0f ms (target <= refresh %.0f ms + %.0f ms: %s)%n",
                    result.phase().name(), applied, LatencyBench.APPLIED_TARGET_MILLIS,
                    applied <= LatencyBench.APPLIED_TARGET_MILLIS ? "met" : "NOT met", searchable,
                    LatencyBench.REFRESH_MILLIS, LatencyBench.APPLIED_TARGET_MILLIS,
                    searchable <= LatencyBench.REFRESH_MILLIS + LatencyBench.APPLIED_TARGET_MILLIS ? "met"
                            : "NOT met"));
        }
        out.append("(the targets are for 5,000 changes/s with default settings, on a machine with nothing else"
                + " running)\n");
        return out.toString();
    }

    /** One progress line after a phase. */
    static String summary(Result result) {
        LatencyLoad.Figures figures = result.figures();
        return String.format("phase %s: %,.0f changes/s committed, %d probes; p50 / p99 ms: acknowledged %s, applied"
                        + " %s, searchable %s; histograms p99: acknowledged %.0f, applied %.0f; exits %d / %d",
                result.phase().name(), figures.committedRate(), figures.applied().length, pair(figures.acknowledged()),
                pair(figures.applied()), pair(figures.searchable()), millis(result.histograms().acknowledged(), 0.99),
                millis(result.histograms().applied(), 0.99), result.producerExit(), result.subscriberExit());
    }

    private static void measure(StringBuilder out, String label, long[] nanos, ScrapedHistogram histogram) {
        out.append(String.format("  %-22s %8.0f %8.0f %8.0f %8.0f   %s%n", label,
                LatencyLoad.Figures.millis(nanos, 0.5), LatencyLoad.Figures.millis(nanos, 0.9),
                LatencyLoad.Figures.millis(nanos, 0.99), LatencyLoad.Figures.millis(nanos, 1),
                histogram == null ? "-" : String.format("%.0f / %.0f (%,d samples)", millis(histogram, 0.5),
                        millis(histogram, 0.99), histogram.count())));
    }

    private static String pair(long[] nanos) {
        return String.format("%.0f / %.0f", LatencyLoad.Figures.millis(nanos, 0.5),
                LatencyLoad.Figures.millis(nanos, 0.99));
    }

    /** A histogram in seconds, its quantile in milliseconds. */
    private static double millis(ScrapedHistogram histogram, double q) {
        return histogram.quantile(q) * 1000;
    }
}
