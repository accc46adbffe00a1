package io.tributary.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.model.ChangeEventJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The drift the verify benchmark plants in an index filled with a table's documents (ids {@code 1} … {@code rows}),
 * and whether a verifier's findings name exactly it: three documents deleted (their rows become <em>missing</em>),
 * two changed (<em>different</em>: a field no row has that value in) and two added under keys past the table's last
 * one (<em>extra</em>). The keys are spread over the table so that drift is found early, midway and late.
 *
 * @param deleted  keys whose documents are deleted
 * @param modified keys whose documents get another {@value #MODIFIED_FIELD}
 * @param extra    keys no row has, indexed as documents
 */
record PlantedDrift(List<Long> deleted, List<Long> modified, List<Long> extra) {

    static final String MODIFIED_FIELD = "name";
    static final String MODIFIED_VALUE = "changed behind the pipeline's back";

    private static final ObjectMapper JSON = ChangeEventJson.mapper();

    PlantedDrift {
        deleted = List.copyOf(deleted);
        modified = List.copyOf(modified);
        extra = List.copyOf(extra);
    }

    /**
     * Drift among the keys {@code 1} … {@code rows}; distinct keys from {@value VerifyBenchOptions#MIN_ROWS} rows on.
     *
     * @throws IllegalArgumentException for fewer rows
     */
    static PlantedDrift spreadOver(long rows) {
        if (rows < VerifyBenchOptions.MIN_ROWS) {
            throw new IllegalArgumentException("drift is planted in tables of at least " + VerifyBenchOptions.MIN_ROWS
                    + " rows, not " + rows);
        }
        return new PlantedDrift(List.of(rows / 4, rows / 2, rows * 3 / 4), List.of(rows / 3, rows * 2 / 3),
                List.of(rows + 1, rows + 2));
    }

    /** The documents the index holds once the drift is planted in the documents of {@code rows} rows. */
    long documentsAfter(long rows) {
        return rows - deleted.size() + extra.size();
    }

    /**
     * The {@code _bulk} lines that plant the drift in {@code index}: deletes, partial updates (Elasticsearch raises
     * their version by one) and extra documents with {@code version} as the pipeline's external version.
     */
    byte[] bulkBody(String index, long version) {
        StringBuilder lines = new StringBuilder();
        for (long key : deleted) {
            lines.append(action("delete", index, key)).append('\n');
        }
        for (long key : modified) {
            ObjectNode update = JSON.createObjectNode();
            update.putObject("doc").put(MODIFIED_FIELD, MODIFIED_VALUE);
            lines.append(action("update", index, key)).append('\n').append(update).append('\n');
        }
        for (long key : extra) {
            ObjectNode action = action("index", index, key);
            ((ObjectNode) action.get("index")).put("version", version).put("version_type", "external");
            ObjectNode document = JSON.createObjectNode().put("id", key)
                    .put(MODIFIED_FIELD, "a document without a row");
            lines.append(action).append('\n').append(document).append('\n');
        }
        return lines.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * How {@code findings} differ from this drift planted in the documents of {@code rows} rows: each line names a
     * figure or a kind of drift and what was expected; empty when the verifier found exactly this drift.
     */
    List<String> mismatches(VerifierFindings findings, long rows) {
        List<String> mismatches = new ArrayList<>();
        expect(mismatches, "rows", findings.rows(), rows);
        expect(mismatches, "documents", findings.documents(), documentsAfter(rows));
        expect(mismatches, "missing", findings.missing(), (long) deleted.size());
        expect(mismatches, "extra", findings.extra(), (long) extra.size());
        expect(mismatches, "different", findings.different(), (long) modified.size());
        expect(mismatches, "missing ids", findings.missingIds(), ids(deleted));
        expect(mismatches, "extra ids", findings.extraIds(), ids(extra));
        expect(mismatches, "different ids", findings.differentIds(), ids(modified));
        return mismatches;
    }

    private static void expect(List<String> mismatches, String what, Object found, Object expected) {
        if (!found.equals(expected)) {
            mismatches.add(what + ": " + found + ", planted " + expected);
        }
    }

    private static Set<String> ids(List<Long> keys) {
        Set<String> ids = new TreeSet<>();
        keys.forEach(key -> ids.add(Long.toString(key)));
        return ids;
    }

    private static ObjectNode action(String kind, String index, long key) {
        ObjectNode action = JSON.createObjectNode();
        action.putObject(kind).put("_index", index).put("_id", Long.toString(key));
        return action;
    }

    @Override
    public String toString() {
        return "deleted " + deleted + ", modified " + modified + ", extra " + extra;
    }
}
