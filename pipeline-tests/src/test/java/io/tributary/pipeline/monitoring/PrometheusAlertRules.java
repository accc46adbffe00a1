package io.tributary.pipeline.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The alerting rules of a Prometheus rule file ({@code groups: [{name, rules: [...]}]}) as the checks see them.
 * Absent fields read as empty strings, so a check can name them.
 */
record PrometheusAlertRules(List<Rule> rules) {

    /** Where the rules live, from the pipeline-tests module. */
    static final Path FILE = Path.of("..", "deploy", "monitoring", "prometheus", "tributary-alerts.yaml");

    /** @param forDuration the rule's {@code for:} */
    record Rule(String group, String alert, String expr, String forDuration, String severity, String summary,
                String description) {
    }

    static PrometheusAlertRules read(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Prometheus rule file " + file + ": " + e.getMessage(), e);
        }
        List<Rule> rules = new ArrayList<>();
        for (JsonNode group : root.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                rules.add(new Rule(group.path("name").asText(), rule.path("alert").asText(), rule.path("expr").asText(),
                        rule.path("for").asText(), rule.path("labels").path("severity").asText(),
                        rule.path("annotations").path("summary").asText(),
                        rule.path("annotations").path("description").asText()));
            }
        }
        return new PrometheusAlertRules(List.copyOf(rules));
    }

    Set<String> metricNames() {
        Set<String> names = new TreeSet<>();
        rules.forEach(rule -> names.addAll(PromqlMetricNames.in(rule.expr())));
        return names;
    }
}
