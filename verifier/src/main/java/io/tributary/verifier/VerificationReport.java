package io.tributary.verifier;

import java.util.List;

/**
 * What one verification of all its tables found.
 *
 * @param tables the tables in the order verified
 * @param repair whether repair events were sent for the drift found
 */
record VerificationReport(List<TableReport> tables, boolean repair) {

    VerificationReport {
        tables = List.copyOf(tables);
    }

    boolean drift() {
        return tables.stream().anyMatch(TableReport::drift);
    }

    long repairsSent() {
        return tables.stream().mapToLong(TableReport::repairsSent).sum();
    }
}
