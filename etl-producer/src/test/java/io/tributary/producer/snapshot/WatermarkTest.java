package io.tributary.producer.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WatermarkTest {

    @Test
    void aWatermarksContentReadsBackAsItself() {
        Watermark low = new Watermark("slot_a", "6c1f", Watermark.Mark.LOW);
        Watermark high = new Watermark("slot_a", "6c1f", Watermark.Mark.HIGH);

        assertEquals(Optional.of(low), Watermark.parse(Watermark.PREFIX, bytes(low.content())));
        assertEquals(Optional.of(high), Watermark.parse(Watermark.PREFIX, bytes(high.content())));
    }

    @Test
    void otherMessagesAreNoWatermark() {
        assertTrue(Watermark.parse("tributary-heartbeat", new byte[0]).isEmpty());
        assertTrue(Watermark.parse(Watermark.PREFIX, bytes("slot=a;window=b")).isEmpty(), "no mark");
        assertTrue(Watermark.parse(Watermark.PREFIX, bytes("slot=a;window=b;mark=middle")).isEmpty());
        assertTrue(Watermark.parse(Watermark.PREFIX, bytes("garbage")).isEmpty());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
