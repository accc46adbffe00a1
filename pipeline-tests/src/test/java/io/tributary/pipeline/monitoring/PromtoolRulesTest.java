package io.tributary.pipeline.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prometheus itself reads deploy/monitoring/prometheus/tributary-alerts.yaml: {@code promtool check rules} (syntax,
 * PromQL, annotation templates) and {@code promtool test rules} with tributary-alerts.test.yaml, synthetic series
 * that make each alert fire and not fire. promtool comes from Debian's {@code prometheus} package, which .ci/run
 * installs; elsewhere, without it on the PATH, these tests are skipped with a message saying so (under CI they fail).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PromtoolRulesTest {

    private static final Path RULES = PrometheusAlertRules.FILE;
    private static final Path RULE_TESTS = RULES.resolveSibling("tributary-alerts.test.yaml");
    private static final long TIMEOUT_SECONDS = 60;

    /** Each test, not the class, is skipped: Surefire then counts the tests as skipped and reports the reason. */
    @BeforeEach
    void promtoolIsThere() throws InterruptedException {
        try {
            run(List.of("promtool", "--version"));
        } catch (IOException e) {
            String missing = "promtool is not on the PATH (" + e.getMessage() + "); install it with 'apt-get install"
                    + " -y prometheus' (Debian), as .ci/run does";
            if ("true".equals(System.getenv("CI"))) {
                fail(missing);
            }
            Assumptions.abort(missing + "; the alert rules were not checked by Prometheus");
        }
    }

    @Test
    void promtoolAcceptsTheRulesAndTheirTemplates() throws Exception {
        Result check = run(List.of("promtool", "check", "rules", RULES.toString()));

        assertEquals(0, check.status(), check.output());
        assertTrue(check.output().contains("SUCCESS"), check.output());
    }

    /**
     * The unit tests run against the rules without annotations: promtool compares an alert's annotations whole, and
     * the descriptions are prose that PrometheusAlertRulesTest checks; the expressions, durations and labels are
     * exactly the file's.
     */
    @Test
    void everyAlertFiresOnItsSyntheticSeriesAndOnlyThen(@TempDir Path directory) throws Exception {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        JsonNode rules = yaml.readTree(RULES.toFile());
        int alerts = 0;
        for (JsonNode group : rules.get("groups")) {
            for (JsonNode rule : group.get("rules")) {
                ((ObjectNode) rule).remove("annotations");
                alerts++;
            }
        }
        yaml.writeValue(directory.resolve(RULES.getFileName()).toFile(), rules);
        Path tests = directory.resolve(RULE_TESTS.getFileName());
        Files.copy(RULE_TESTS, tests);

        Result result = run(List.of("promtool", "test", "rules", tests.toString()));

        assertEquals(0, result.status(), result.output());
        assertTrue(result.output().contains("SUCCESS"), result.output());
        String testText = Files.readString(RULE_TESTS);
        for (JsonNode group : rules.get("groups")) {
            for (JsonNode rule : group.get("rules")) {
                String name = rule.get("alert").asText();
                assertTrue(testText.contains("alertname: " + name + "\n        exp_alerts:\n          - exp_labels:"),
                        "no test in " + RULE_TESTS + " makes " + name + " fire");
            }
        }
        assertTrue(alerts >= 8, "only " + alerts + " rules");
    }

    private record Result(int status, String output) {
    }

    private static Result run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(String.join(" ", command) + " did not finish within " + TIMEOUT_SECONDS + " s");
        }
        return new Result(process.exitValue(), String.join(" ", command) + "\n" + output);
    }
}
