package io.tributary.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.tributary.documents.DocumentBuilder.Built;
import io.tributary.documents.Snapshot;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DocumentVerifierTest {

    private static final Snapshot READ = Snapshot.parse("100:105:101");
    private static final Built ORDER = new Built("7", List.of("7"), Json.object("{\"id\":7,\"status\":\"paid\"}"));
    private static final String MARKER = "{\"_tributary_deleted\":\"2026-12-02T08:00:00Z\"}";

    private static StoredDocument stored(long version, String source) {
        return new StoredDocument("7", version, Json.object(source));
    }

    @Test
    void noDocumentOrADeleteMarkerNotNewerThanTheReadIsMissing() {
        assertInstanceOf(Drift.Missing.class, DocumentVerifier.drift(ORDER, null, READ).orElseThrow());
        assertInstanceOf(Drift.Missing.class, DocumentVerifier.drift(ORDER, stored(READ.version(), MARKER), READ)
                .orElseThrow());
    }

    @Test
    void aDocumentNewerThanTheReadIsNoDriftWhateverItHolds() {
        assertEquals(Optional.empty(), DocumentVerifier.drift(ORDER,
                stored(READ.version() + 1, "{\"id\":7,\"status\":\"shipped\"}"), READ));
        assertEquals(Optional.empty(), DocumentVerifier.drift(ORDER, stored(READ.version() + 1, MARKER), READ),
                "its root deleted after the read");
    }

    @Test
    void aDocumentAtOrBelowTheReadsVersionThatDiffersIsDifferentAndTheSameOneIsInSync() {
        Drift different = DocumentVerifier.drift(ORDER, stored(READ.version(), "{\"id\":7,\"status\":\"new\"}"),
                READ).orElseThrow();

        assertEquals("status: \"paid\" ≠ \"new\"",
                ((Drift.Different) different).differences().get(0).describe());
        assertEquals(Optional.empty(), DocumentVerifier.drift(ORDER,
                stored(5, "{\"status\":\"paid\",\"id\":7,\"_tributary_table\":\"x\"}"), READ));
    }
}
