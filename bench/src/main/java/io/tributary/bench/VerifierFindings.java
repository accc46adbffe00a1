package io.tributary.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * What {@code verify --json} reported about the one table it verified: its counts and the ids it listed of each
 * kind of drift (all of them while there are no more than {@code --max-report}).
 */
record VerifierFindings(long rows, long documents, long missing, long extra, long different, Set<String> missingIds,
                        Set<String> extraIds, Set<String> differentIds) {

    VerifierFindings {
        missingIds = Collections.unmodifiableSortedSet(new TreeSet<>(missingIds));
        extraIds = Collections.unmodifiableSortedSet(new TreeSet<>(extraIds));
        differentIds = Collections.unmodifiableSortedSet(new TreeSet<>(differentIds));
    }

    /**
     * @param report the verifier's whole {@code --json} output
     * @throws IOException when it is not a report of exactly one verified table
     */
    static VerifierFindings of(JsonNode report) throws IOException {
        JsonNode tables = report.path("tables");
        if (tables.size() != 1) {
            throw new IOException("the verifier reported " + tables.size() + " tables, not the one verified: "
                    + report);
        }
        JsonNode table = tables.get(0);
        if (table.has("skipped") || !table.path("rows").canConvertToLong()) {
            throw new IOException("the verifier did not verify " + table.path("table").asText() + ": " + table);
        }
        Set<String> different = new TreeSet<>();
        table.path("differentDocuments").forEach(document -> different.add(document.path("id").asText()));
        return new VerifierFindings(table.path("rows").asLong(), table.path("documents").asLong(),
                table.path("missing").asLong(), table.path("extra").asLong(), table.path("different").asLong(),
                texts(table.path("missingIds")), texts(table.path("extraIds")), different);
    }

    private static Set<String> texts(JsonNode array) {
        Set<String> texts = new TreeSet<>();
        array.forEach(text -> texts.add(text.asText()));
        return texts;
    }
}
