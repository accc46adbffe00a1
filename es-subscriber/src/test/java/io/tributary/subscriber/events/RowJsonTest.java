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
}
