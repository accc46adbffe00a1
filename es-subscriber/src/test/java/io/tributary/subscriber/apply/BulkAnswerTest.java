package io.tributary.subscriber.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class BulkAnswerTest {

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void anAnswerWithoutErrorsIsNotReadItemByItem() throws IOException {
        BulkAnswer answer = BulkAnswer.read(bytes("{\"errors\":false,\"items\":[{\"index\":{\"status\":201}}]}"));

        assertFalse(answer.errors());
        assertEquals(List.of(), answer.items());
    }

    @Test
    void anAnswerWithErrorsGivesEachItemInOrder() throws IOException {
        BulkAnswer answer = BulkAnswer.read(bytes("{\"took\":3,\"errors\":true,\"items\":["
                + "{\"index\":{\"_index\":\"shop.orders\",\"_id\":\"1\",\"status\":201}},"
                + "{\"index\":{\"_index\":\"shop.orders\",\"_id\":\"2\",\"status\":409,\"error\":{"
                + "\"type\":\"version_conflict_engine_exception\",\"reason\":\"[2]: version conflict\","
                + "\"caused_by\":{\"type\":\"x\",\"reason\":\"y\"}}}},"
                + "{\"delete\":{\"_index\":\"shop.orders\",\"_id\":\"3\",\"status\":404}}]}"));

        assertTrue(answer.errors());
        assertEquals(List.of(
                new BulkAnswer.Item("index", "shop.orders", "1", 201, null, null),
                new BulkAnswer.Item("index", "shop.orders", "2", 409, "version_conflict_engine_exception",
                        "[2]: version conflict"),
                new BulkAnswer.Item("delete", "shop.orders", "3", 404, null, null)), answer.items());
    }

    @Test
    void aRefusedRequestsErrorIsRead() {
        BulkAnswer.Item error = BulkAnswer.requestError(bytes("{\"error\":{\"root_cause\":[{\"type\":\"a\"}],"
                + "\"type\":\"cluster_block_exception\",\"reason\":\"blocked\"},\"status\":403}"));

        assertEquals("cluster_block_exception", error.errorType());
        assertEquals("blocked", error.errorReason());
        assertNull(BulkAnswer.requestError(bytes("<html>bad gateway</html>")).errorType());
    }

    @Test
    void somethingElseIsNotABulkAnswer() {
        assertThrows(IOException.class, () -> BulkAnswer.read(bytes("[]")));
        assertThrows(IOException.class, () -> BulkAnswer.read(bytes("{\"errors\":true,\"items\":[{\"index\":3}]}")));
    }
}
