package io.tributary.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.model.ChangeEventJson;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.apache.http.HttpHost;
import org.apache.http.util.EntityUtils;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The one scan, stepped with canned answers; closing the view goes to a port nobody listens on and is quiet. */
class IndexScannerTest {

    private final RestClient nowhere = RestClient.builder(new HttpHost("127.0.0.1", 1)).build();

    /** What a caller throws. */
    static final class ScanFailed extends Exception {
        final boolean retriable;

        ScanFailed(String message, boolean retriable) {
            super(message);
            this.retriable = retriable;
        }
    }

    /** Answers the requests in order (empty: no such index) and keeps what was asked. */
    static final class Canned implements IndexScanner.Requests<ScanFailed> {
        final Deque<Optional<JsonNode>> answers = new ArrayDeque<>();
        final List<String> asked = new ArrayList<>();

        Canned answer(String json) {
            answers.add(Optional.of(json(json)));
            return this;
        }

        Canned missing() {
            answers.add(Optional.empty());
            return this;
        }

        @Override
        public Optional<JsonNode> perform(Request request, String what) throws ScanFailed {
            try {
                asked.add(request.getMethod() + " " + request.getEndpoint() + (request.getEntity() == null ? ""
                        : " " + EntityUtils.toString(request.getEntity())));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return answers.remove();
        }

        @Override
        public ScanFailed failed(String message, boolean retriable, Exception cause) {
            return new ScanFailed(message, retriable);
        }
    }

    private static JsonNode json(String text) {
        try {
            return ChangeEventJson.mapper().readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    private static String page(String pit, String extra, int... sorts) {
        List<String> hits = new ArrayList<>();
        for (int sort : sorts) {
            hits.add("{\"_index\":\"o-000001\",\"_id\":\"" + sort + "\",\"_version\":7,\"sort\":[" + sort + "]}");
        }
        return "{\"pit_id\":\"" + pit + "\"" + extra + ",\"hits\":{\"hits\":[" + String.join(",", hits) + "]}}";
    }

    private IndexScanner scanner(ScanProtocol protocol) {
        return new IndexScanner(nowhere, protocol, 2, "1m");
    }

    @AfterEach
    void closeClient() throws IOException {
        nowhere.close();
    }

    @Test
    void pagesFollowEachOtherBySearchAfterUntilOneHoldsFewerThanAPage() throws Exception {
        Canned requests = new Canned().answer("{\"id\":\"pit-1\"}").answer(page("pit-2", "", 1, 2))
                .answer(page("pit-3", "", 3, 4)).answer(page("pit-3", "", 5));

        List<String> ids = new ArrayList<>();
        try (IndexScanner.Pages<ScanFailed> pages = scanner(ScanProtocol.POINT_IN_TIME)
                .open("o", null, "test", requests).orElseThrow()) {
            for (Optional<ScanPage> next = pages.next(); next.isPresent(); next = pages.next()) {
                next.get().documents().forEach(document -> ids.add(document.address().id()));
            }
        }

        assertEquals(List.of("1", "2", "3", "4", "5"), ids);
        assertEquals(4, requests.asked.size(), "no request after the short page: " + requests.asked);
        assertTrue(requests.asked.get(2).contains("\"id\":\"pit-2\"") && requests.asked.get(2)
                .contains("\"search_after\":[2]"), requests.asked.get(2));
    }

    @Test
    void aPageOfASearchThatTimedOutOrLostShardsFailsTheScanRetriably() throws Exception {
        Canned requests = new Canned().answer("{\"id\":\"pit-1\"}").answer(page("pit-1", "", 1, 2))
                .answer(page("pit-1", ",\"_shards\":{\"failed\":1}", 3, 4));

        IndexScanner.Pages<ScanFailed> pages = scanner(ScanProtocol.POINT_IN_TIME).open("o", null, "test", requests)
                .orElseThrow();
        pages.next();
        ScanFailed failed = assertThrows(ScanFailed.class, pages::next);

        assertTrue(failed.retriable);
        assertTrue(failed.getMessage().contains("some shards failed or the search timed out"), failed.getMessage());
        pages.close();
    }

    @Test
    void aMissingIndexIsNoScanButAnIndexGoneMidScanFailsRetriably() throws Exception {
        assertTrue(scanner(ScanProtocol.POINT_IN_TIME).open("o", null, "test", new Canned().missing()).isEmpty());
        assertTrue(scanner(ScanProtocol.SCROLL).open("o", null, "test", new Canned().missing()).isEmpty());

        ScanFailed gone = assertThrows(ScanFailed.class, () -> scanner(ScanProtocol.POINT_IN_TIME)
                .open("o", null, "test", new Canned().answer("{\"id\":\"pit-1\"}").missing()));
        assertTrue(gone.retriable);
        assertTrue(gone.getMessage().contains("went away"), gone.getMessage());
    }

    @Test
    void aHitThatCannotBeReadFailsTheScanForGood() {
        Canned requests = new Canned().answer("{\"id\":\"pit-1\"}")
                .answer("{\"hits\":{\"hits\":[{\"_index\":\"o\",\"_id\":\"a\",\"sort\":[1]}]}}");

        ScanFailed failed = assertThrows(ScanFailed.class, () -> scanner(ScanProtocol.POINT_IN_TIME)
                .open("o", null, "test", requests));

        assertFalse(failed.retriable);
        assertTrue(failed.getMessage().startsWith("test: reading documents 0 and on of o failed: "),
                failed.getMessage());
    }
}
