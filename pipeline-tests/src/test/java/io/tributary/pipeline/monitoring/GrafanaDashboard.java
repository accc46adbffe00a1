package io.tributary.pipeline.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parts of a Grafana dashboard the checks need: its panels (row panels' nested ones included) with their
 * queries, and its template variables. Absent fields read as empty strings or lists, so a check can name them.
 */
record GrafanaDashboard(int schemaVersion, List<Panel> panels, List<Variable> variables) {

    /** Where the dashboard lives, from the pipeline-tests module. */
    static final Path FILE = Path.of("..", "deploy", "monitoring", "grafana", "tributary-dashboard.json");

    /** {@code label_values(selector, label)}: the selector is PromQL, the label is not. */
    private static final Pattern LABEL_VALUES = Pattern.compile("(?s)\\s*label_values\\((.*),\\s*\\w+\\s*\\)\\s*");
    private static final Pattern QUERY_RESULT = Pattern.compile("(?s)\\s*query_result\\((.*)\\)\\s*");

    /** @param datasourceUid the panel's own data source uid, empty when it has none */
    record Panel(int id, String title, String type, String datasourceUid, List<Target> targets) {

        boolean isRow() {
            return type.equals("row");
        }
    }

    record Target(String refId, String expr, String datasourceUid) {
    }

    /** @param query as Grafana stores it: {@code label_values(…)}, {@code query_result(…)} or a data source type */
    record Variable(String name, String type, String query) {

        /** The PromQL inside a query variable's query; empty for other variables and label-only queries. */
        String promql() {
            if (!type.equals("query")) {
                return "";
            }
            Matcher labelValues = LABEL_VALUES.matcher(query);
            if (labelValues.matches()) {
                return labelValues.group(1);
            }
            Matcher queryResult = QUERY_RESULT.matcher(query);
            return queryResult.matches() ? queryResult.group(1) : "";
        }
    }

    static GrafanaDashboard read(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Grafana dashboard " + file + ": " + e.getMessage(), e);
        }
        List<Panel> panels = new ArrayList<>();
        addPanels(root.path("panels"), panels);
        List<Variable> variables = new ArrayList<>();
        for (JsonNode variable : root.path("templating").path("list")) {
            JsonNode query = variable.path("query");
            variables.add(new Variable(variable.path("name").asText(), variable.path("type").asText(),
                    query.isObject() ? query.path("query").asText() : query.asText()));
        }
        return new GrafanaDashboard(root.path("schemaVersion").asInt(), List.copyOf(panels), List.copyOf(variables));
    }

    private static void addPanels(JsonNode nodes, List<Panel> panels) {
        for (JsonNode panel : nodes) {
            List<Target> targets = new ArrayList<>();
            for (JsonNode target : panel.path("targets")) {
                targets.add(new Target(target.path("refId").asText(), target.path("expr").asText(),
                        target.path("datasource").path("uid").asText()));
            }
            panels.add(new Panel(panel.path("id").asInt(-1), panel.path("title").asText(), panel.path("type").asText(),
                    panel.path("datasource").path("uid").asText(), List.copyOf(targets)));
            addPanels(panel.path("panels"), panels);
        }
    }

    /** Every PromQL expression of the dashboard: its panels' queries and its query variables' selectors. */
    List<String> expressions() {
        List<String> expressions = new ArrayList<>();
        panels.forEach(panel -> panel.targets().forEach(target -> expressions.add(target.expr())));
        variables.stream().map(Variable::promql).filter(promql -> !promql.isBlank()).forEach(expressions::add);
        return expressions;
    }

    Set<String> metricNames() {
        Set<String> names = new TreeSet<>();
        expressions().forEach(expression -> names.addAll(PromqlMetricNames.in(expression)));
        return names;
    }
}
