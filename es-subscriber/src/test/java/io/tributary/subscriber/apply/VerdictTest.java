package io.tributary.subscriber.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class VerdictTest {

    @Test
    void itemsWithoutErrorAndDeletesOfMissingIndexesAreApplied() {
        assertEquals(Verdict.APPLIED, Verdict.forItem(BulkAction.Kind.INDEX, 201, null));
        assertEquals(Verdict.APPLIED, Verdict.forItem(BulkAction.Kind.DELETE, 404, null), "not_found delete");
        assertEquals(Verdict.APPLIED, Verdict.forItem(BulkAction.Kind.DELETE, 404, "index_not_found_exception"));
    }

    @Test
    void aVersionConflictIsStaleNotAnError() {
        assertEquals(Verdict.STALE, Verdict.forItem(BulkAction.Kind.INDEX, 409, "version_conflict_engine_exception"));
    }

    @Test
    void overloadUnavailabilityAndBlocksAreRetried() {
        assertEquals(Verdict.RETRY, Verdict.forItem(BulkAction.Kind.INDEX, 429, "es_rejected_execution_exception"));
        assertEquals(Verdict.RETRY, Verdict.forItem(BulkAction.Kind.INDEX, 503, "unavailable_shards_exception"));
        assertEquals(Verdict.RETRY, Verdict.forItem(BulkAction.Kind.INDEX, 403, "cluster_block_exception"));
        assertEquals(Verdict.RETRY, Verdict.forRequest(-1, null), "no answer");
        assertEquals(Verdict.RETRY, Verdict.forRequest(502, null));
    }

    @Test
    void aClosedOrMissingIndexIsTheIndexsFaultRetriedNeverDeadLettered() {
        assertEquals(Verdict.RETRY, Verdict.forItem(BulkAction.Kind.INDEX, 400, "index_closed_exception"));
        assertEquals(Verdict.RETRY, Verdict.forItem(BulkAction.Kind.MARK_DELETED, 400, "index_closed_exception"));
        assertEquals(Verdict.RETRY, Verdict.forItem(BulkAction.Kind.INDEX, 404, "index_not_found_exception"),
                "a write to an alias whose index was deleted, sent with require_alias");
        assertEquals(Verdict.RETRY, Verdict.forRequest(400, "index_closed_exception"), "a refresh, a point in time");
        assertEquals(Verdict.RETRY, Verdict.forRequest(404, "index_not_found_exception"), "a mapping put");
        assertEquals(java.util.Optional.of(new UnavailableIndex("orders", UnavailableIndex.CLOSED)),
                UnavailableIndex.of("orders", "index_closed_exception"));
        assertEquals(java.util.Optional.of(new UnavailableIndex("orders", UnavailableIndex.MISSING)),
                UnavailableIndex.of("orders", "index_not_found_exception"));
        assertEquals(java.util.Optional.empty(), UnavailableIndex.of("orders", "document_parsing_exception"));
    }

    @Test
    void documentsElasticsearchCannotTakeAreRejectedForTheDeadLetterTopic() {
        assertEquals(Verdict.REJECT, Verdict.forItem(BulkAction.Kind.INDEX, 400, "document_parsing_exception"));
        assertEquals(Verdict.REJECT, Verdict.forItem(BulkAction.Kind.INDEX, 400, "illegal_argument_exception"));
        assertEquals(Verdict.REJECT, Verdict.forRequest(400, "action_request_validation_exception"));
        assertEquals(Verdict.REJECT, Verdict.forRequest(413, null));
    }

    @Test
    void credentialsPrivilegesAndWrongUrlsStopTheSubscriberInsteadOfDeadLetteringEverything() {
        assertEquals(Verdict.FATAL, Verdict.forItem(BulkAction.Kind.INDEX, 403, "security_exception"));
        assertEquals(Verdict.FATAL, Verdict.forRequest(401, "security_exception"));
        assertEquals(Verdict.FATAL, Verdict.forRequest(404, null));
        assertEquals(Verdict.FATAL, Verdict.forRequest(405, null));
    }
}
