package io.tributary.subscriber.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.index.DocumentAddress;
import io.tributary.index.mapping.TableMappings;
import io.tributary.model.ChangeEvent;
import io.tributary.model.ChangeEventJson;
import io.tributary.model.Lsn;
import io.tributary.model.Operation;
import io.tributary.model.SourceInfo;
import io.tributary.subscriber.events.ReceivedChange;
import io.tributary.subscriber.events.RowJson;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BulkBodyTest {

    private static JsonNode json(String text) {
        try {
            return ChangeEventJson.mapper().readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    @Test
    void actionLinesCarryIndexIdRoutingExternalVersionAndRequireAliasAndDocumentsFollowAsTheyAre() {
        RowJson document = RowJson.of((com.fasterxml.jackson.databind.node.ObjectNode) json(
                "{\"id\":\"a\\\"b\",\"total\":\"1.10\"}"));
        DocumentAddress routed = new DocumentAddress("shop.orders", "a\"b", "tenant-7");
        DocumentAddress plain = new DocumentAddress("shop.orders", "[1,\"x\"]", "");
        ChangeEvent event = new ChangeEvent(Operation.UPDATE, new SourceInfo("app", "shop", "orders", Lsn.of(77),
                Lsn.of(77), 1, null), document.tree(), null, document.tree());
        PlannedWrite write = new PlannedWrite(0, ReceivedChange.of(event), "shop.orders", "a\"b",
                List.of(BulkAction.delete(plain, 77), BulkAction.index(routed, 77, document)), null, Map.of());

        byte[] body = BulkBody.of(List.of(write), "shop.orders"::equals);

        String[] lines = new String(body, StandardCharsets.UTF_8).split("\n", -1);
        assertEquals(4, lines.length, "delete line, index line, document, and the final newline");
        assertEquals(json("{\"delete\":{\"_index\":\"shop.orders\",\"_id\":\"[1,\\\"x\\\"]\",\"version\":77,"
                + "\"version_type\":\"external\",\"require_alias\":true}}"), json(lines[0]));
        assertEquals(json("{\"index\":{\"_index\":\"shop.orders\",\"_id\":\"a\\\"b\",\"routing\":\"tenant-7\","
                + "\"version\":77,\"version_type\":\"external\",\"require_alias\":true}}"), json(lines[1]));
        assertEquals("{\"id\":\"a\\\"b\",\"total\":\"1.10\"}", lines[2]);
        assertEquals("", lines[3]);
        long estimate = write.estimatedBytes();
        assertTrue(estimate >= body.length && estimate < body.length + 100, estimate + " for " + body.length);
    }

    @Test
    void theRequestEntityHoldsExactlyTheBodysBytes() throws Exception {
        RowJson document = RowJson.of((com.fasterxml.jackson.databind.node.ObjectNode) json(
                "{\"id\":7,\"note\":\"é\"}"));
        List<PlannedWrite> writes = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
            DocumentAddress address = new DocumentAddress(i % 2 == 0 ? "shop.orders" : "shop.items", "id-" + i, "");
            ChangeEvent event = new ChangeEvent(Operation.CREATE, new SourceInfo("app", "shop", "orders",
                    Lsn.of(100 + i), Lsn.of(100 + i), 1, null), document.tree(), null, document.tree());
            writes.add(new PlannedWrite(i, ReceivedChange.of(event), address.index(), address.id(),
                    List.of(BulkAction.index(address, 100 + i, document)), null, Map.of()));
        }

        byte[] body = BulkBody.of(writes, "shop.orders"::equals);
        org.apache.http.HttpEntity entity = BulkBody.entity(writes, "shop.orders"::equals,
                org.apache.http.entity.ContentType.create("application/x-ndjson"));

        assertEquals(body.length, entity.getContentLength());
        assertEquals(new String(body, StandardCharsets.UTF_8),
                new String(org.apache.http.util.EntityUtils.toByteArray(entity), StandardCharsets.UTF_8));
        assertTrue(entity.isRepeatable(), "a request retried by the client sends the same body again");
        assertEquals("application/x-ndjson", entity.getContentType().getValue());
    }

    @Test
    void actionsAloneMakeTheSameLinesAsTheirWrites() {
        DocumentAddress routed = new DocumentAddress("shop.orders-000001", "7", "tenant-7");
        DocumentAddress plain = new DocumentAddress("shop.orders-000002", "8", "");

        byte[] body = BulkBody.ofActions(List.of(BulkAction.delete(routed, 100), BulkAction.delete(plain, 100)));

        String[] lines = new String(body, StandardCharsets.UTF_8).split("\n", -1);
        assertEquals(3, lines.length, "two delete lines and the final newline");
        assertEquals(json("{\"delete\":{\"_index\":\"shop.orders-000001\",\"_id\":\"7\",\"routing\":\"tenant-7\","
                + "\"version\":100,\"version_type\":\"external\"}}"), json(lines[0]));
        assertEquals(json("{\"delete\":{\"_index\":\"shop.orders-000002\",\"_id\":\"8\",\"version\":100,"
                + "\"version_type\":\"external\"}}"), json(lines[1]));
    }

    @Test
    void aPlannedInsertSendsTheRowBytesItArrivedIn() {
        byte[] record = ("{\"op\":\"c\",\"source\":{\"database\":\"app\",\"schema\":\"shop\",\"table\":\"orders\","
                + "\"lsn\":\"0/10\",\"commitLsn\":\"0/18\",\"xid\":1},\"key\":{\"id\":1},"
                + "\"after\":{\"id\":1,\"price\":1.10,\"n\":100000000000000000000}}").getBytes(StandardCharsets.UTF_8);
        ReceivedChange change = new io.tributary.subscriber.events.ChangeEventReader().read(record);

        PlannedWrite write = BatchPlan.of(List.of(change), Map.of(), new TableMappings(Map.of()), java.time.Instant.EPOCH).writes().get(0);

        String body = new String(BulkBody.of(List.of(write), index -> false), StandardCharsets.UTF_8);
        assertFalse(body.contains("require_alias"), "an index written to as it is (not an alias): " + body);
        assertTrue(body.endsWith("\n{\"id\":1,\"price\":1.10,\"n\":100000000000000000000}\n"), body);
    }
}
