package io.tributary.pipeline.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.pipeline.monitoring.GrafanaDashboard.Panel;
import io.tributary.pipeline.monitoring.GrafanaDashboard.Variable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy/monitoring/grafana/tributary-dashboard.json is a well-formed dashboard showing what operators need. */
class GrafanaDashboardTest {

    private static final String DATASOURCE = "${datasource}";

    private final GrafanaDashboard dashboard = GrafanaDashboard.read(GrafanaDashboard.FILE);

    @Test
    void everyPanelExceptRowsHasAQueryWithAnExpression() {
        List<String> withoutQuery = dashboard.panels().stream()
                .filter(panel -> !panel.isRow())
                .filter(panel -> panel.targets().isEmpty()
                        || panel.targets().stream().anyMatch(target -> target.expr().isBlank()))
                .map(Panel::title)
                .toList();

        assertEquals(List.of(), withoutQuery, "panels with no query or a query without expr");
    }

    @Test
    void panelIdsArePositiveAndUnique() {
        Set<Integer> seen = new HashSet<>();
        List<String> problems = new ArrayList<>();
        for (Panel panel : dashboard.panels()) {
            if (panel.id() <= 0 || !seen.add(panel.id())) {
                problems.add("'" + panel.title() + "' has id " + panel.id());
            }
        }

        assertEquals(List.of(), problems, "panel ids must be positive and unique");
    }

    @Test
    void everyPanelAndQueryUsesTheTemplatedPrometheusDataSource() {
        Variable datasource = dashboard.variables().stream().filter(v -> v.name().equals("datasource")).findFirst()
                .orElseThrow(() -> new AssertionError("no 'datasource' template variable"));
        assertEquals(List.of("datasource", "prometheus"), List.of(datasource.type(), datasource.query()));
        assertTrue(dashboard.schemaVersion() >= 39, "schemaVersion " + dashboard.schemaVersion());

        List<String> elsewhere = new ArrayList<>();
        for (Panel panel : dashboard.panels()) {
            if (!panel.isRow() && !panel.datasourceUid().equals(DATASOURCE)) {
                elsewhere.add("panel '" + panel.title() + "' uses '" + panel.datasourceUid() + "'");
            }
            panel.targets().stream().filter(target -> !target.datasourceUid().equals(DATASOURCE))
                    .forEach(target -> elsewhere.add("query " + target.refId() + " of '" + panel.title()
                            + "' uses '" + target.datasourceUid() + "'"));
        }
        assertEquals(List.of(), elsewhere, "everything should query " + DATASOURCE);
    }

    @Test
    void everyExpressionReadsAMetric() {
        List<String> constant = dashboard.expressions().stream()
                .filter(expression -> PromqlMetricNames.in(expression).isEmpty())
                .toList();

        assertEquals(List.of(), constant, "expressions that read no metric (a typo in a function name?)");
    }

    @Test
    void showsLagThroughputLatencyHistogramsErrorsAndHeapOfBothServices() {
        Set<String> missing = new TreeSet<>(Set.of(
                "tributary_producer_lag_bytes", "tributary_producer_lag_milliseconds", "tributary_producer_streaming",
                "tributary_producer_slot_retained_wal_bytes",
                "tributary_producer_events_total", "tributary_producer_reconnects_total",
                "tributary_producer_kafka_send_latency_seconds_bucket",
                "tributary_producer_commit_to_acknowledged_seconds_bucket",
                "tributary_subscriber_consumer_lag_records", "tributary_subscriber_end_to_end_lag_milliseconds",
                "tributary_subscriber_commit_to_applied_seconds_bucket",
                "tributary_subscriber_documents_total", "tributary_subscriber_bulk_latency_seconds_bucket",
                "tributary_subscriber_bulk_operations_bucket", "tributary_subscriber_version_conflicts_total",
                "tributary_subscriber_retries_total", "tributary_subscriber_dead_letters_total",
                "jvm_memory_used_bytes"));
        missing.removeAll(dashboard.metricNames());

        assertEquals(Set.of(), missing, "metrics no panel shows");
    }

    @Test
    void latencyQuantilesComeFromHistogramBucketsNotClientSideSummaries() {
        List<String> summaries = dashboard.expressions().stream()
                .filter(expression -> expression.contains("quantile=")).toList();
        List<String> quantilesWithoutBuckets = dashboard.expressions().stream()
                .filter(expression -> expression.contains("histogram_quantile(")
                        && !(expression.contains("_bucket{") && expression.contains("sum by (le)")))
                .toList();

        assertEquals(List.of(), summaries, "client-side quantiles cannot be aggregated across instances");
        assertEquals(List.of(), quantilesWithoutBuckets, "histogram_quantile over the summed rate of the buckets");
    }

    @Test
    void readsPanelsInsideCollapsedRowsAndOnlyTheSelectorOfLabelValues(@TempDir Path directory) throws Exception {
        Path file = directory.resolve("dashboard.json");
        Files.writeString(file, """
                {"schemaVersion": 39,
                 "templating": {"list": [
                   {"name": "job", "type": "query", "query": "label_values(process_uptime_seconds, job)"},
                   {"name": "pod", "type": "query", "query": {"query": "label_values(pod)"}},
                   {"name": "datasource", "type": "datasource", "query": "prometheus"}]},
                 "panels": [
                   {"id": 1, "type": "row", "title": "collapsed", "panels": [
                     {"id": 2, "type": "timeseries", "title": "inside", "datasource": {"uid": "${datasource}"},
                      "targets": [{"refId": "A", "expr": "rate(inside_total[5m])"}]}]}]}
                """);

        GrafanaDashboard read = GrafanaDashboard.read(file);

        assertEquals(List.of("collapsed", "inside"), read.panels().stream().map(Panel::title).toList());
        assertEquals(Set.of("inside_total", "process_uptime_seconds"), read.metricNames());
        assertEquals("", read.panels().get(1).targets().get(0).datasourceUid(), "a query without its own source");
    }
}
