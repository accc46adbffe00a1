package io.tributary.subscriber.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RowJsonTest {

    private static RowJson bytes(String json) throws Exception {
        byte[] source = json.getBytes(StandardCharsets.UTF_8);
        return RowJson.ofWellFormed(source, 0, source.length);
    }

    @Test
    void aLeadingFieldIsSplicedIntoTheBytesWithoutReadingTheRow() throws Exception {
        assertEquals("{\"t\":\"shop.\\\"x\\\"\",\"id\":1,\"n\":\"a\"}",
                bytes("{\"id\":1,\"n\":\"a\"}").withLeadingField("t", "shop.\"x\"").toString());
        assertEquals("{\"t\":\"v\"}", bytes("{}").withLeadingField("t", "v").toString());
        assertEquals("{\"t\":\"v\"}", bytes("{ }").withLeadingField("t", "v").toString());
    }

    @Test
    void aRowWhoseTreeIsReadGetsTheFieldThroughItReplacingOneOfTheSameName() {
        RowJson row = RowJson.of(JsonNodeFactory.instance.objectNode().put("id", 1).put("t", "old"));

        assertEquals("{\"t\":\"new\",\"id\":1}", row.withLeadingField("t", "new").toString());
    }

    @Test
    void aRowInsideARecordsBytesIsWrittenReadAndSplicedAsExactlyItsOwnBytes() throws Exception {
        byte[] record = "{\"op\":\"u\",\"after\":{\"id\":7,\"n\":\"b\"},\"x\":1}".getBytes(StandardCharsets.UTF_8);
        int from = new String(record, StandardCharsets.UTF_8).indexOf("{\"id\"");
        int to = new String(record, StandardCharsets.UTF_8).indexOf("},\"x\"") + 1;

        RowJson row = RowJson.ofWellFormed(record, from, to);

        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        row.writeTo(out);
        assertEquals("{\"id\":7,\"n\":\"b\"}", out.toString(StandardCharsets.UTF_8));
        assertEquals(out.size(), row.length());
        assertEquals("{\"id\":7,\"n\":\"b\"}", new String(row.json(), StandardCharsets.UTF_8));
        assertEquals("{\"t\":\"v\",\"id\":7,\"n\":\"b\"}", row.withLeadingField("t", "v").toString(),
                "spliced into the row's bytes only");
        assertEquals(7, row.tree().get("id").asInt());
    }
}
