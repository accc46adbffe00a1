package io.tributary.verifier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.model.ChangeEventJson;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The report as text for people (one summary line per table, then the first differing keys of each kind) or as JSON
 * for scripts. Stateless.
 */
final class ReportFormat {

    private ReportFormat() {
    }

    /** The text report; every line ends with a line break. */
    static String text(VerificationReport report, int maxReport) {
        StringBuilder text = new StringBuilder();
        for (TableReport table : report.tables()) {
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
                text.append("  repair: ").append(table.repairsSent()).append(" change events sent\n");
            }
        }
        text.append(conclusion(report)).append('\n');
        return text.toString();
    }

    /**
     * {@code shop.orders → index shop.orders: 300 rows, 299 documents: 1 missing, 0 extra, 0 different}, or
     * {@code …: in sync}, or {@code shop.logs: skipped: <why>}.
     */
    static String summaryLine(TableReport table) {
        if (table.skipped().isPresent()) {
            return table.table() + ": skipped: " + table.skipped().get();
        }
        String counts = table.table() + " → index " + table.index() + ": " + table.rows() + " rows, "
                + table.documents() + " documents: ";
        if (!table.drift()) {
            return counts + "in sync";
        }
        return counts + table.missing() + " missing, " + table.extra() + " extra, " + table.different()
                + " different";
    }

    /** The last line: drift or not, in how many tables, and the repair events sent. */
    static String conclusion(VerificationReport report) {
        long verified = report.tables().stream().filter(table -> table.skipped().isEmpty()).count();
        long drifted = report.tables().stream().filter(TableReport::drift).count();
        long skipped = report.tables().size() - verified;
        String skippedText = skipped == 0 ? "" : " (" + skipped + " skipped)";
        String outcome = drifted == 0 ? "verify: no drift in " + verified + " tables" + skippedText
                : "verify: drift in " + drifted + " of " + verified + " tables" + skippedText;
        return report.repair() ? outcome + "; " + report.repairsSent() + " repair events sent to Kafka" : outcome;
    }

    /** The report as one JSON document (pretty-printed). */
    static String json(VerificationReport report) {
        ObjectNode root = ChangeEventJson.mapper().createObjectNode();
        root.put("drift", report.drift());
        if (report.repair()) {
            root.put("repairEventsSent", report.repairsSent());
        }
        ArrayNode tables = root.putArray("tables");
        for (TableReport table : report.tables()) {
            ObjectNode node = tables.addObject();
            node.put("table", table.table().toString());
            node.put("index", table.index());
            if (table.skipped().isPresent()) {
                node.put("skipped", table.skipped().get());
                continue;
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
            if (report.repair()) {
                node.put("repairEventsSent", table.repairsSent());
            }
        }
        try {
            return ChangeEventJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the report as JSON", e);
        }
    }

    private static void appendNotListed(StringBuilder text, String kind, long count, List<?> listed, int maxReport) {
        if (count > listed.size()) {
            text.append("  … ").append(count - listed.size()).append(" more ").append(kind)
                    .append(" not listed (--max-report ").append(maxReport).append(")\n");
        }
    }
}
