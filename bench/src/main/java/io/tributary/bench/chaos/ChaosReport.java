package io.tributary.bench.chaos;

import io.tributary.bench.chaos.PipelineService.Kind;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The chaos run's printed report: what was done to the pipeline, what it did, and the verdict. Every figure says
 * what it counts. Stateless.
 */
final class ChaosReport {

    private ChaosReport() {
    }

    /** Everything the report shows, gathered at the end of the run. */
    record Run(ChaosOptions options, String machine, Duration took, FaultDriver driver, ChaosPipeline pipeline,
               ChaosWorkload.Tally workload, TopicCensus.Counts topic, CatchUp.Figures catchUp,
               ChaosVerify.Drift drift, List<String> exitStatuses) {

        boolean passed() {
            return drift.total() == 0 && pipeline.findings().isEmpty() && driver.missedTakeovers() == 0;
        }
    }

    static String of(Run run) {
        StringBuilder out = new StringBuilder();
        ChaosOptions options = run.options();
        ChaosPipeline pipeline = run.pipeline();
        out.append("=== Chaos run ===\n");
        out.append("machine: ").append(run.machine()).append('\n');
        out.append(String.format("seed %d; %d cycles, pause %d s, outages %d s, workload %d transactions/s (a truncate"
                        + " in %d), partition-by %s; took %s%n", options.seed(), options.cycles(),
                options.pause().toSeconds(), options.outage().toSeconds(), options.rate(), options.truncateOneIn(),
                options.partitionBy(), minutes(run.took())));
        out.append("\nfaults injected:\n");
        int total = 0;
        for (FaultDriver.Fault fault : FaultDriver.Fault.values()) {
            int count = run.driver().injected().getOrDefault(fault, 0);
            total += count;
            out.append(String.format("  %-36s %4d%n", fault.description, count));
        }
        out.append(String.format("  %-36s %4d%n", "total", total));
        out.append(String.format("  standby takeovers: worst %,d ms from the kill to the standby streaming;"
                + " kills without a takeover within 60 s: %d%n", run.driver().worstTakeoverMillis(),
                run.driver().missedTakeovers()));

        ChaosWorkload.Tally workload = run.workload();
        out.append("\nworkload (committed transactions only):\n");
        out.append(String.format("  %,d transactions committed, %,d failed before their commit (rolled back),"
                + " %,d with an unknown outcome (commit unanswered); %,d reconnects%n", workload.committed(),
                workload.failed(), workload.unknown(), workload.reconnects()));
        StringBuilder changes = new StringBuilder();
        for (Map.Entry<ChaosWorkload.Change, Long> change : workload.changes().entrySet()) {
            changes.append(changes.isEmpty() ? "  rows: " : ", ").append(String.format("%,d %s", change.getValue(),
                    change.getKey().name().toLowerCase().replace('_', ' ') + (change.getKey()
                            == ChaosWorkload.Change.TRUNCATE ? " statements" : "")));
        }
        out.append(changes).append('\n');

        out.append("\npipeline (counters summed over every process of the run, scraped every 250 ms and just before"
                + " each kill):\n");
        out.append(String.format("  events produced          %,12.0f  tributary_producer_events_total, %d producer"
                        + " processes: every event handed to Kafka, re-sends included%n",
                pipeline.total(Kind.PRODUCER, "tributary_producer_events_total"), processes(pipeline.producers())));
        out.append(String.format("  records in the topic     %,12d  read back after the run%n",
                run.topic().records()));
        out.append(String.format("  duplicates in the topic  %,12d  records with the partition, key, op and LSN of an"
                + " earlier one: re-sent after a kill, restart or outage%n", run.topic().duplicates()));
        out.append(String.format("  writes applied           %,12.0f  tributary_subscriber_documents_total, %d"
                        + " subscriber processes: writes Elasticsearch accepted (documents, delete markers)%n",
                pipeline.total(Kind.SUBSCRIBER, "tributary_subscriber_documents_total"),
                processes(pipeline.subscribers())));
        out.append(String.format("  stale writes refused     %,12.0f  tributary_subscriber_version_conflicts_total:"
                        + " writes answered 409 because the document already held that version or a newer one"
                        + " (a duplicate delivered again, or an older change after a newer one); never applied%n",
                pipeline.total(Kind.SUBSCRIBER, "tributary_subscriber_version_conflicts_total")));
        out.append(String.format("  truncate markers         %,12.0f  tributary_subscriber_truncated_documents_total%n",
                pipeline.total(Kind.SUBSCRIBER, "tributary_subscriber_truncated_documents_total")));
        out.append(String.format("  batch retries            %,12.0f  tributary_subscriber_retries_total (Elasticsearch"
                + " unavailable)%n", pipeline.total(Kind.SUBSCRIBER, "tributary_subscriber_retries_total")));
        out.append(String.format("  producer reconnects      %,12.0f  tributary_producer_reconnects_total%n",
                pipeline.total(Kind.PRODUCER, "tributary_producer_reconnects_total")));
        out.append(String.format("  dead letters             %,12.0f  tributary_subscriber_dead_letters_total (expected"
                + " 0)%n", pipeline.total(Kind.SUBSCRIBER, "tributary_subscriber_dead_letters_total")));
        out.append(String.format("  unchanged TOAST misses   %,12.0f  tributary_subscriber_unchanged_missing_total%n",
                pipeline.total(Kind.SUBSCRIBER, "tributary_subscriber_unchanged_missing_total")));
        out.append(String.format("  worst end-to-end lag     %,12.0f  ms, tributary_subscriber_end_to_end_lag_milliseconds"
                + " (commit in PostgreSQL to applied), largest sample%n", pipeline.worstEndToEndLag()));
        out.append(String.format("  worst consumer lag       %,12.0f  records, tributary_subscriber_consumer_lag_records"
                + " of both subscribers together, largest sample%n", pipeline.worstConsumerLag()));
        out.append(String.format("  catch-up after the last cycle: %s until the slot confirmed the end marker, %s until"
                + " the group's offsets reached the end of the topic%n", minutes(run.catchUp().toKafka()),
                minutes(run.catchUp().toElasticsearch())));

        ChaosVerify.Drift drift = run.drift();
        out.append(String.format("%nverify (all tables): %,d rows, %,d documents; drift: %d missing, %d extra, %d"
                + " different%n", drift.rows(), drift.documents(), drift.missing(), drift.extra(), drift.different()));
        drift.tables().forEach(line -> out.append("  ").append(line).append('\n'));

        out.append("\nservices that exited on their own: ");
        List<PipelineService.Finding> findings = pipeline.findings();
        out.append(findings.isEmpty() ? "none\n" : findings.size() + "\n");
        for (PipelineService.Finding finding : findings) {
            out.append("  ").append(finding.service()).append(" exited with status ").append(finding.exitStatus())
                    .append(finding.logTail().replace("\n", "\n    ")).append('\n');
        }
        out.append("exit statuses at the graceful stop: ").append(String.join(", ", run.exitStatuses()))
                .append('\n');
        out.append(run.passed() ? "\nRESULT: PASS (0 drift, no service died on its own, every kill taken over)\n"
                : "\nRESULT: FAIL\n");
        return out.toString();
    }

    private static int processes(List<PipelineService> services) {
        return services.stream().mapToInt(PipelineService::incarnations).sum();
    }

    private static String minutes(Duration duration) {
        long seconds = duration.toSeconds();
        return seconds >= 60 ? String.format("%d min %02d s", seconds / 60, seconds % 60)
                : String.format("%.1f s", duration.toMillis() / 1000.0);
    }
}
