package io.tributary.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.index.mapping.DeleteMarker;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class StoredDocumentTest {

    @Test
    void aDocumentWhoseSourceHasTheDeletedFieldIsADeleteMarker() {
        StoredDocument marker = new StoredDocument("17", 900,
                Json.object("{\"" + DeleteMarker.DELETED_FIELD + "\":\"2026-12-02T08:00:00Z\"}"));

        assertTrue(marker.deleteMarker());
        assertEquals(901, RepairVersions.forRow(OptionalLong.of(marker.version())),
                "the repair of its row must exceed the delete's version, or it loses to the marker for good");
    }

    @Test
    void aRowsDocumentIsNoDeleteMarker() {
        assertFalse(new StoredDocument("1", 5, Json.object("{\"id\":1,\"deleted\":true}")).deleteMarker());
        assertFalse(new StoredDocument("2", 5, Json.object("{}")).deleteMarker());
    }

    @Test
    void theFieldIsTheSubscribers() {
        assertEquals("_tributary_deleted", DeleteMarker.DELETED_FIELD);
    }
}
