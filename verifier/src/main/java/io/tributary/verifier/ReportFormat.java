package io.tributary.verifier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.model.ChangeEventJson;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The report as text for people (one summary line per table and joined document type, then the first differing keys
 * of each kind) or as JSON for scripts. Stateless.
 */
final class ReportFormat {

    private ReportFormat() {
    }

    /** The text report; every line ends with a line break. */
    static String text(VerificationReport report, int maxReport) {
        StringBuilder text = new StringBuilder();
        for (TableReport table : report.reports()) {
            text.append(summaryLine(table)).append('\n');
            table.samples(Drift.Missing.class).forEach(drift ->
                    text.append("  missing    _id ").append(drift.id()).append('\n'));
            table.samples(Drift.Extra.class).forEach(drift -> text.append("  extra      _id ").append(drift.id())
                    .append(" (_version ").append(drift.version()).append(")\n"));
            table.samples(Drift.Different.class).forEach(drift -> text.append("  different  _id ").append(drift.id())
                    .append(": ").append(drift.differences().stream().map(FieldDifference::describe)
                            .collect(Collectors.joining("; "))).append('\n'));
            appendNotListed(text, "missing", table.missing(), table.samples(Drift.Missing.class), maxReport);
            appendNotListed(text, "extra", table.extra(), table.samples(Drift.Extra.class), maxReport);
            appendNotListed(text, "different", table.different(), table.samples(Drift.Different.class), maxReport);
            table.notes().forEach(note -> text.append("  note: ").append(note).append('\n'));
            if (report.repair() && table.skipped().isEmpty()) {
                text.append("  repair: ").append(table.repairsSent()).append(table.isDocument()
                        ? " documents written to Elasticsearch\n" : " change events sent\n");
            }
        }
        text.append(conclusion(report)).append('\n');
        return text.toString();
    }

    /**
     * {@code shop.orders → index shop.orders: 300 rows, 299 documents: 1 missing, 0 extra, 0 different}, or
     * {@code …: in sync}, or {@code shop.logs: skipped: <why>}; for a joined document type
     * {@code document orders → index orders: 300 rows of shop.orders, 299 documents: …}.
     */
    static String summaryLine(TableReport table) {
        String subject = table.document().map(document -> "document " + document).orElse(table.table().toString());
        if (table.skipped().isPresent()) {
            return subject + ": skipped: " + table.skipped().get();
        }
        String counts = subject + " → index " + table.index() + ": " + table.rows() + " rows"
                + (table.isDocument() ? " of " + table.table() : "") + ", " + table.documents() + " documents: ";
        if (!table.drift()) {
            return counts + "in sync";
        }
        return counts + table.missing() + " missing, " + table.extra() + " extra, " + table.different()
                + " different";
    }

    /** The last line: drift or not, in how many tables (and document types), and the repairs made. */
    static String conclusion(VerificationReport report) {
        List<TableReport> tables = report.tables();
        List<TableReport> documents = report.documents();
        List<String> counts = new ArrayList<>();
        List<String> repairs = new ArrayList<>();
        if (!tables.isEmpty() || documents.isEmpty()) {
            counts.add(counts(tables, "tables", report.drift()));
            repairs.add(report.repairEventsSent() + " repair events sent to Kafka");
        }
        if (!documents.isEmpty()) {
            counts.add(counts(documents, "document types", report.drift()));
            repairs.add(report.documentsWritten() + " documents written to Elasticsearch");
        }
        String outcome = "verify: " + (report.drift() ? "drift in " : "no drift in ") + String.join(" and ", counts);
        return report.repair() ? outcome + "; " + String.join(", ", repairs) : outcome;
    }

    /** {@code 2 tables (1 skipped)}, or with drift {@code 1 of 2 tables (1 skipped)}. */
    private static String counts(List<TableReport> reports, String noun, boolean drift) {
        long verified = reports.stream().filter(report -> report.skipped().isEmpty()).count();
        long drifted = reports.stream().filter(TableReport::drift).count();
        long skipped = reports.size() - verified;
        return (drift ? drifted + " of " : "") + verified + " " + noun + (skipped == 0 ? "" : " (" + skipped
                + " skipped)");
    }

    /** The report as one JSON document (pretty-printed). */
    static String json(VerificationReport report) {
        ObjectNode root = ChangeEventJson.mapper().createObjectNode();
        root.put("drift", report.drift());
        if (report.repair()) {
            root.put("repairEventsSent", report.repairEventsSent());
            root.put("documentsWritten", report.documentsWritten());
        }
        ArrayNode tables = root.putArray("tables");
        for (TableReport table : report.tables()) {
            ObjectNode node = tables.addObject();
            node.put("table", table.table().toString());
            appendJson(node, table, report.repair(), "repairEventsSent");
        }
        ArrayNode documents = root.putArray("documents");
        for (TableReport document : report.documents()) {
            ObjectNode node = documents.addObject();
            node.put("document", document.document().orElseThrow());
            node.put("root", document.table().toString());
            appendJson(node, document, report.repair(), "documentsWritten");
        }
        try {
            return ChangeEventJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the report as JSON", e);
        }
    }

    private static void appendJson(ObjectNode node, TableReport table, boolean repair, String repairsField) {
        node.put("index", table.index());
        if (table.skipped().isPresent()) {
            node.put("skipped", table.skipped().get());
            return;
        }
        node.put("rows", table.rows());
        node.put("documents", table.documents());
        node.put("missing", table.missing());
        node.put("extra", table.extra());
        node.put("different", table.different());
        ArrayNode missing = node.putArray("missingIds");
        table.samples(Drift.Missing.class).forEach(drift -> missing.add(drift.id()));
        ArrayNode extra = node.putArray("extraIds");
        table.samples(Drift.Extra.class).forEach(drift -> extra.add(drift.id()));
        ArrayNode different = node.putArray("differentDocuments");
        for (Drift.Different drift : table.samples(Drift.Different.class)) {
            ObjectNode document = different.addObject().put("id", drift.id());
            ArrayNode fields = document.putArray("fields");
            drift.differences().forEach(difference -> fields.add(difference.field()));
        }
        ArrayNode notes = node.putArray("notes");
        table.notes().forEach(notes::add);
        if (repair) {
            node.put(repairsField, table.repairsSent());
        }
    }

    private static void appendNotListed(StringBuilder text, String kind, long count, List<?> listed, int maxReport) {
        if (count > listed.size()) {
            text.append("  … ").append(count - listed.size()).append(" more ").append(kind)
                    .append(" not listed (--max-report ").append(maxReport).append(")\n");
        }
    }
}
