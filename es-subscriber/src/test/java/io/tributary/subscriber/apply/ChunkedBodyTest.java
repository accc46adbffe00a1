package io.tributary.subscriber.apply;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Random;
import org.apache.http.HttpEntity;
import org.apache.http.entity.ContentType;
import org.apache.http.nio.ContentEncoder;
import org.apache.http.nio.entity.HttpAsyncContentProducer;
import org.apache.http.util.EntityUtils;
import org.junit.jupiter.api.Test;

class ChunkedBodyTest {

    private static final ContentType NDJSON = ContentType.create("application/x-ndjson");

    /** A channel that takes at most {@code perWrite} bytes a call, as a socket whose buffer fills up. */
    private static final class SlowChannel implements ContentEncoder {
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        final int perWrite;
        boolean completed;

        SlowChannel(int perWrite) {
            this.perWrite = perWrite;
        }

        @Override
        public int write(ByteBuffer source) {
            int n = Math.min(perWrite, source.remaining());
            byte[] bytes = new byte[n];
            source.get(bytes);
            received.writeBytes(bytes);
            return n;
        }

        @Override
        public void complete() {
            completed = true;
        }

        @Override
        public boolean isCompleted() {
            return completed;
        }
    }

    /** Three and a half megabytes, written as single bytes, short arrays and arrays longer than a chunk. */
    private static byte[] writeMixed(ChunkedBody body) {
        Random random = new Random(7);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        while (expected.size() < 3_500_000) {
            int kind = random.nextInt(3);
            byte[] bytes = new byte[kind == 0 ? 1 : kind == 1 ? random.nextInt(700) : 100_000 + random.nextInt(50_000)];
            random.nextBytes(bytes);
            if (kind == 0) {
                body.write(bytes[0]);
            } else {
                body.writeBytes(bytes);
            }
            expected.writeBytes(bytes);
        }
        return expected.toByteArray();
    }

    @Test
    void holdsTheBytesInChunksSmallerThanHalfAG1RegionAndGivesThemBackInOrder() throws Exception {
        ChunkedBody body = new ChunkedBody();
        byte[] expected = writeMixed(body);

        assertEquals(expected.length, body.size());
        assertArrayEquals(expected, body.toByteArray());
        assertEquals((expected.length + ChunkedBody.CHUNK_BYTES - 1) / ChunkedBody.CHUNK_BYTES, body.chunks(),
                "every chunk full but the last");
        assertTrue(ChunkedBody.CHUNK_BYTES < 512 * 1024 && body.chunks() > expected.length / (512 * 1024),
                "no chunk a humongous object (512 KiB and more with G1's 1 MiB regions): " + body.chunks());
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        body.writeTo(copy);
        assertArrayEquals(expected, copy.toByteArray());

        HttpEntity entity = body.entity(NDJSON);
        assertEquals(expected.length, entity.getContentLength());
        assertArrayEquals(expected, EntityUtils.toByteArray(entity), "read as a stream");
        assertEquals("application/x-ndjson", entity.getContentType().getValue());
        assertTrue(entity.isRepeatable());
        assertFalse(entity.isStreaming());
    }

    @Test
    void theHttpClientGetsEveryByteOnceThroughAChannelThatFillsUpAndAgainOnARetry() throws Exception {
        ChunkedBody body = new ChunkedBody();
        byte[] expected = writeMixed(body);
        HttpAsyncContentProducer producer = (HttpAsyncContentProducer) body.entity(NDJSON);

        for (int attempt = 1; attempt <= 2; attempt++) {
            SlowChannel channel = new SlowChannel(10_000);
            int calls = 0;
            while (!channel.isCompleted()) {
                producer.produceContent(channel, null);
                calls++;
            }
            assertArrayEquals(expected, channel.received.toByteArray(), "attempt " + attempt);
            assertTrue(calls > expected.length / 20_000, "it stopped whenever the channel was full: " + calls);
            producer.close();
        }
    }

    @Test
    void anEmptyBodyIsCompleteAtOnce() throws Exception {
        ChunkedBody body = new ChunkedBody();
        SlowChannel channel = new SlowChannel(10);

        ((HttpAsyncContentProducer) body.entity(NDJSON)).produceContent(channel, null);

        assertTrue(channel.isCompleted());
        assertEquals(0, channel.received.size());
        assertEquals(0, body.toByteArray().length);
    }
}
