package io.tributary.bench.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.bench.ChildJvm;
import io.tributary.model.ChangeEventJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The run's verdict: {@code verify --json} over every table the producer streams, as a child JVM (report in
 * {@code verify-report.json}, progress in {@code verifier.log}), summed over the tables. Stateless.
 */
final class ChaosVerify {

    private static final int NO_DRIFT = 0;
    private static final int DRIFT_FOUND = 3;
    private static final int MAX_REPORT = 20;

    private ChaosVerify() {
    }

    /**
     * @param tables one line per table: rows, documents, missing, extra, different, and the ids listed of each
     */
    record Drift(long rows, long documents, long missing, long extra, long different, List<String> tables) {
        long total() {
            return missing + extra + different;
        }
    }

    static Drift run(Path verifierJar, Path producerConfig, Path subscriberConfig, Path directory, Duration timeout)
            throws IOException, InterruptedException {
        Path report = directory.resolve("verify-report.json");
        Path log = directory.resolve("verifier.log");
        Process verifier = ChildJvm.startTool(verifierJar, "512m", List.of("--producer-config",
                producerConfig.toString(), "--subscriber-config", subscriberConfig.toString(), "--max-report",
                Integer.toString(MAX_REPORT), "--json"), report, log, directory.resolve("verifier-gc.log"), null);
        try {
            if (!verifier.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("the verifier did not finish within " + timeout.toSeconds() + " s;"
                        + " see " + log);
            }
            if (verifier.exitValue() != NO_DRIFT && verifier.exitValue() != DRIFT_FOUND) {
                throw new IllegalStateException("the verifier failed with exit status " + verifier.exitValue()
                        + "; see " + log + ":\n" + Files.readString(log));
            }
            return parse(ChangeEventJson.mapper().readTree(Files.readAllBytes(report)));
        } finally {
            verifier.destroyForcibly();
        }
    }

    private static Drift parse(JsonNode report) throws IOException {
        long rows = 0;
        long documents = 0;
        long missing = 0;
        long extra = 0;
        long different = 0;
        List<String> lines = new ArrayList<>();
        for (JsonNode table : report.path("tables")) {
            if (table.has("skipped") || !table.path("rows").canConvertToLong()) {
                throw new IOException("the verifier did not verify " + table.path("table").asText() + ": " + table);
            }
            rows += table.path("rows").asLong();
            documents += table.path("documents").asLong();
            missing += table.path("missing").asLong();
            extra += table.path("extra").asLong();
            different += table.path("different").asLong();
            StringBuilder line = new StringBuilder(String.format("%-18s %,7d rows %,7d documents, missing %d, extra"
                            + " %d, different %d", table.path("table").asText(), table.path("rows").asLong(),
                    table.path("documents").asLong(), table.path("missing").asLong(), table.path("extra").asLong(),
                    table.path("different").asLong()));
            appendIds(line, "missing", table.path("missingIds"));
            appendIds(line, "extra", table.path("extraIds"));
            for (JsonNode document : table.path("differentDocuments")) {
                line.append("\n      different ").append(document.path("id").asText()).append(": ")
                        .append(document.path("fields"));
            }
            lines.add(line.toString());
        }
        if (lines.size() != ChaosTables.TABLES.size()) {
            throw new IOException("the verifier reported " + lines.size() + " tables, not " + ChaosTables.TABLES
                    + ": " + report);
        }
        return new Drift(rows, documents, missing, extra, different, lines);
    }

    private static void appendIds(StringBuilder line, String kind, JsonNode ids) {
        if (!ids.isEmpty()) {
            line.append("\n      ").append(kind).append(": ").append(ids);
        }
    }
}
