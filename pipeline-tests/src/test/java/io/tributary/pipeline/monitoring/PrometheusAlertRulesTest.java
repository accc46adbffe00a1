package io.tributary.pipeline.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.pipeline.monitoring.PrometheusAlertRules.Rule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy/monitoring/prometheus/tributary-alerts.yaml holds complete, runbook-style alerts for what can go wrong. */
class PrometheusAlertRulesTest {

    private static final Pattern DURATION = Pattern.compile("(\\d+(ms|s|m|h|d|w|y))+");
    private static final Set<String> SEVERITIES = Set.of("warning", "critical");

    private final PrometheusAlertRules alerts = PrometheusAlertRules.read(PrometheusAlertRules.FILE);

    @Test
    void everyRuleHasANameAnExpressionADurationASeverityAndSaysWhatToDo() {
        List<String> problems = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Rule rule : alerts.rules()) {
            String which = "rule '" + rule.alert() + "' of group '" + rule.group() + "'";
            if (rule.alert().isBlank() || !names.add(rule.alert())) {
                problems.add(which + ": alert name missing or repeated");
            }
            if (PromqlMetricNames.in(rule.expr()).isEmpty()) {
                problems.add(which + ": expr missing or reads no metric");
            }
            if (!DURATION.matcher(rule.forDuration()).matches()) {
                problems.add(which + ": for '" + rule.forDuration() + "' is not a duration");
            }
            if (!SEVERITIES.contains(rule.severity())) {
                problems.add(which + ": labels.severity '" + rule.severity() + "' is not one of " + SEVERITIES);
            }
            if (rule.summary().isBlank() || rule.description().isBlank()) {
                problems.add(which + ": annotations.summary or annotations.description missing");
            }
        }

        assertEquals(List.of(), problems);
        assertTrue(alerts.rules().size() >= 8, "only " + alerts.rules().size() + " rules");
    }

    @Test
    void alertsOnLagLatencyStreamingDeadLettersRetriesUnavailableIndicesAndDownServices() {
        Set<String> missing = new TreeSet<>(Set.of(
                "tributary_producer_lag_bytes", "tributary_producer_lag_milliseconds", "tributary_producer_streaming",
                "tributary_producer_slot_retained_wal_bytes",
                "tributary_subscriber_consumer_lag_records", "tributary_subscriber_dead_letters_total",
                "tributary_subscriber_commit_to_applied_seconds_bucket",
                "tributary_subscriber_retries_total", "tributary_subscriber_index_unavailable_total", "up"));
        missing.removeAll(alerts.metricNames());

        assertEquals(Set.of(), missing, "metrics no alert watches");
    }

    @Test
    void readsAbsentFieldsAsEmptySoTheChecksCanNameThem(@TempDir Path directory) throws Exception {
        Path file = directory.resolve("rules.yaml");
        Files.writeString(file, """
                groups:
                  - name: g
                    rules:
                      - alert: Incomplete
                        expr: rate(x_total[5m]) > 0
                """);

        List<Rule> rules = PrometheusAlertRules.read(file).rules();

        assertEquals(List.of(new Rule("g", "Incomplete", "rate(x_total[5m]) > 0", "", "", "", "")), rules);
    }
}
