package io.tributary.verifier;

import java.util.List;

/**
 * What one verification of all its tables and joined document types found.
 *
 * @param reports the tables' reports in the order verified, then the document types'
 * @param repair  whether the drift found was repaired
 */
record VerificationReport(List<TableReport> reports, boolean repair) {

    VerificationReport {
        reports = List.copyOf(reports);
    }

    boolean drift() {
        return reports.stream().anyMatch(TableReport::drift);
    }

    List<TableReport> tables() {
        return reports.stream().filter(report -> !report.isDocument()).toList();
    }

    List<TableReport> documents() {
        return reports.stream().filter(TableReport::isDocument).toList();
    }

    /** Change events sent to Kafka to repair tables. */
    long repairEventsSent() {
        return tables().stream().mapToLong(TableReport::repairsSent).sum();
    }

    /** Documents written to Elasticsearch to repair joined document types. */
    long documentsWritten() {
        return documents().stream().mapToLong(TableReport::repairsSent).sum();
    }
}
