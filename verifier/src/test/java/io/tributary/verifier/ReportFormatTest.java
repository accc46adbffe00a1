package io.tributary.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.model.ChangeEventJson;
import io.tributary.model.TableId;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReportFormatTest {

    private static final TableId CUSTOMERS = TableId.parse("shop.customers");

    private static TableReport drifted() {
        DriftTally tally = new DriftTally(CUSTOMERS, "shop.customers", 2);
        tally.rowsRead(300);
        tally.found(new Drift.Missing("17"));
        tally.found(new Drift.Missing("18"));
        tally.found(new Drift.Missing("19"));
        tally.found(new Drift.Extra("9999", 5));
        tally.found(new Drift.Different("42", 7, DocumentComparison.differences(
                Json.object("{\"name\":\"Ada\"}"), Json.object("{\"name\":\"Eve\"}"))));
        return tally.report(298);
    }

    @Test
    void theSummaryLineSaysCountsOrInSyncOrWhySkipped() {
        assertEquals("shop.customers → index shop.customers: 300 rows, 298 documents: 3 missing, 1 extra, 1 different",
                ReportFormat.summaryLine(drifted()));
        assertEquals("shop.customers → index shop.customers: 5 rows, 5 documents: in sync", ReportFormat.summaryLine(
                new TableReport(CUSTOMERS, Optional.empty(), "shop.customers", Optional.empty(), 5, 5, 0, 0, 0,
                        List.of(), List.of(), 0)));
        assertEquals("shop.logs: skipped: no key", ReportFormat.summaryLine(
                TableReport.skipped(TableId.parse("shop.logs"), "shop.logs", "no key")));
    }

    @Test
    void theTextListsTheFirstKeysOfEachKindAndHowManyMore() {
        String text = ReportFormat.text(new VerificationReport(List.of(drifted()), false), 2);

        assertEquals("""
                shop.customers → index shop.customers: 300 rows, 298 documents: 3 missing, 1 extra, 1 different
                  missing    _id 17
                  missing    _id 18
                  extra      _id 9999 (_version 5)
                  different  _id 42: name: "Ada" ≠ "Eve"
                  … 1 more missing not listed (--max-report 2)
                verify: drift in 1 of 1 tables
                """, text);
    }

    @Test
    void theConclusionCountsSkippedTablesAndRepairs() {
        TableReport skipped = TableReport.skipped(TableId.parse("shop.logs"), "shop.logs", "no key");
        DriftTally repaired = new DriftTally(CUSTOMERS, "shop.customers", 10);
        repaired.found(new Drift.Missing("1"));
        repaired.repairSent();

        assertEquals("verify: no drift in 0 tables (1 skipped)",
                ReportFormat.conclusion(new VerificationReport(List.of(skipped), false)));
        assertEquals("verify: drift in 1 of 1 tables (1 skipped); 1 repair events sent to Kafka",
                ReportFormat.conclusion(new VerificationReport(List.of(repaired.report(0), skipped), true)));
    }

    @Test
    void theJsonHoldsCountsIdsAndDifferingFields() throws Exception {
        JsonNode json = ChangeEventJson.mapper().readTree(
                ReportFormat.json(new VerificationReport(List.of(drifted()), false)));

        assertTrue(json.get("drift").asBoolean());
        JsonNode table = json.get("tables").get(0);
        assertEquals("shop.customers", table.get("table").asText());
        assertEquals(3, table.get("missing").asLong());
        assertEquals("[\"17\",\"18\"]", table.get("missingIds").toString());
        assertEquals("[\"9999\"]", table.get("extraIds").toString());
        assertEquals("[{\"id\":\"42\",\"fields\":[\"name\"]}]", table.get("differentDocuments").toString());
    }

    private static TableReport driftedDocument() {
        DriftTally tally = DriftTally.ofDocument("orders", TableId.parse("shop.orders"), "orders", 10);
        tally.rowsRead(40);
        tally.found(new Drift.Missing("3"));
        tally.found(new Drift.Different("5", 9, DocumentComparison.documentDifferences(
                Json.object("{\"items\":[{\"qty\":2}]}"), Json.object("{\"items\":[{\"qty\":99}]}"))));
        tally.repairSent();
        tally.repairSuperseded();
        return tally.report(39);
    }

    @Test
    void aDocumentTypeIsLabelledAndItsRepairsAreDocumentsWritten() {
        String text = ReportFormat.text(new VerificationReport(List.of(drifted(), driftedDocument()), true), 10);

        assertTrue(text.contains("""
                document orders → index orders: 40 rows of shop.orders, 39 documents: 1 missing, 0 extra, 1 different
                  missing    _id 3
                  different  _id 5: items[0].qty: 2 ≠ 99
                  note: 1 repairs not written: a newer version was stored by then
                  repair: 1 documents written to Elasticsearch
                """), text);
        assertTrue(text.endsWith("verify: drift in 1 of 1 tables and 1 of 1 document types; 0 repair events sent to"
                + " Kafka, 1 documents written to Elasticsearch\n"), text);
        assertEquals("document orders: skipped: no key", ReportFormat.summaryLine(
                TableReport.skippedDocument("orders", TableId.parse("shop.orders"), "no key")));
    }

    @Test
    void aVerificationOfDocumentTypesAloneCountsNoTables() {
        DriftTally clean = DriftTally.ofDocument("orders", TableId.parse("shop.orders"), "orders", 10);

        assertEquals("verify: no drift in 1 document types",
                ReportFormat.conclusion(new VerificationReport(List.of(clean.report(0)), false)));
    }

    @Test
    void theJsonListsDocumentTypesApartFromTables() throws Exception {
        JsonNode json = ChangeEventJson.mapper().readTree(
                ReportFormat.json(new VerificationReport(List.of(drifted(), driftedDocument()), true)));

        assertEquals(1, json.get("tables").size());
        JsonNode document = json.get("documents").get(0);
        assertEquals("orders", document.get("document").asText());
        assertEquals("shop.orders", document.get("root").asText());
        assertEquals("[{\"id\":\"5\",\"fields\":[\"items[0].qty\"]}]", document.get("differentDocuments").toString());
        assertEquals(1, json.get("documentsWritten").asLong());
        assertEquals(0, json.get("repairEventsSent").asLong());
    }
}
