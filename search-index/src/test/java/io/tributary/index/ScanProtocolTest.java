package io.tributary.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.model.ChangeEventJson;
import java.io.IOException;
import org.apache.http.util.EntityUtils;
import org.elasticsearch.client.Request;
import org.junit.jupiter.api.Test;

class ScanProtocolTest {

    private static JsonNode json(String text) {
        try {
            return ChangeEventJson.mapper().readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    private static JsonNode body(Request request) throws IOException {
        return json(EntityUtils.toString(request.getEntity()));
    }

    @Test
    void elasticsearchPagesGoThroughAPointInTimeInIndexOrderEachAfterTheLastHit() throws IOException {
        ScanProtocol pit = ScanProtocol.POINT_IN_TIME;
        Request open = pit.open("shop.orders", "1m").orElseThrow();
        Request first = pit.page("shop.orders", "pit-1", "1m", ScanPage.search(5000, null), null);
        Request next = pit.page("shop.orders", "pit-2", "1m", ScanPage.search(5000, json("{\"term\":{\"f\":\"x\"}}")),
                json("[41]"));

        assertEquals("POST /shop.orders/_pit {keep_alive=1m}", open.getMethod() + " " + open.getEndpoint() + " "
                + open.getParameters());
        assertEquals("pit-1", pit.openedCursor(json("{\"id\":\"pit-1\"}")));
        assertEquals("/_search", first.getEndpoint());
        assertEquals(json("{\"size\":5000,\"_source\":false,\"version\":true,\"track_total_hits\":false,"
                + "\"pit\":{\"id\":\"pit-1\",\"keep_alive\":\"1m\"},"
                + "\"sort\":[{\"_doc\":\"asc\"},{\"_shard_doc\":\"asc\"}]}"),
                body(first));
        assertEquals(json("[41]"), body(next).get("search_after"));
        assertEquals(json("{\"term\":{\"f\":\"x\"}}"), body(next).get("query"));
        assertEquals("pit-2", body(next).at("/pit/id").asText());
        assertEquals("pit-3", pit.nextCursor(json("{\"pit_id\":\"pit-3\"}"), "pit-2"));
        assertEquals("pit-2", pit.nextCursor(json("{}"), "pit-2"));
        assertEquals(json("{\"id\":\"pit-3\"}"), body(pit.close("pit-3")));
        assertEquals("DELETE /_pit", pit.close("pit-3").getMethod() + " " + pit.close("pit-3").getEndpoint());
    }

    @Test
    void openSearchPagesGoThroughAScrollOpenedByTheFirstPageSortedByDocOnly() throws IOException {
        ScanProtocol scroll = ScanProtocol.SCROLL;
        Request first = scroll.page("shop.orders", null, "1m", ScanPage.search(500, null), null);
        Request next = scroll.page("shop.orders", "s-1", "1m", ScanPage.search(500, null), json("[7]"));

        assertTrue(scroll.open("shop.orders", "1m").isEmpty());
        assertEquals("POST /shop.orders/_search {scroll=1m}", first.getMethod() + " " + first.getEndpoint() + " "
                + first.getParameters());
        assertEquals(json("{\"size\":500,\"_source\":false,\"version\":true,\"sort\":[{\"_doc\":\"asc\"}]}"),
                body(first));
        assertEquals("POST /_search/scroll", next.getMethod() + " " + next.getEndpoint());
        assertEquals(json("{\"scroll\":\"1m\",\"scroll_id\":\"s-1\"}"), body(next));
        assertEquals("s-2", scroll.nextCursor(json("{\"_scroll_id\":\"s-2\"}"), "s-1"));
        assertEquals(json("{\"scroll_id\":\"s-2\"}"), body(scroll.close("s-2")));
        Request close = scroll.close("s-2");
        assertEquals("DELETE /_search/scroll", close.getMethod() + " " + close.getEndpoint());
    }

    @Test
    void eachEngineScansWithItsOwnProtocol() {
        assertEquals(ScanProtocol.POINT_IN_TIME, SearchEngine.ELASTICSEARCH.scans());
        assertEquals(ScanProtocol.SCROLL, SearchEngine.OPENSEARCH.scans());
    }
}
