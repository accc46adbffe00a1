package io.tributary.subscriber.apply;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.http.HttpEntity;
import org.apache.http.entity.AbstractHttpEntity;
import org.apache.http.entity.ContentType;
import org.apache.http.nio.ContentEncoder;
import org.apache.http.nio.IOControl;
import org.apache.http.nio.entity.HttpAsyncContentProducer;

/**
 * A request body written into chunks of {@value #CHUNK_BYTES} bytes instead of one array, and sent from them.
 *
 * <p>Why: a bulk body is megabytes. As one array it is a humongous object for G1 (half a region or more: 512 KiB with
 * the 1 MiB regions of heaps up to 2 GiB), allocated straight into the old generation, where each one pushes the heap
 * towards a concurrent marking cycle; a subscriber sending a request every few milliseconds spent a third of its CPU
 * in the collector. Chunks this size are ordinary young objects that die young.
 *
 * <p>It is a {@link ByteArrayOutputStream} so that the writers of document bytes
 * ({@link io.tributary.subscriber.events.RowJson#writeTo}) write into it as into any; the inherited buffer is never
 * used. Not thread-safe: written by one thread, then sent.
 */
final class ChunkedBody extends ByteArrayOutputStream {

    static final int CHUNK_BYTES = 64 * 1024;

    private final List<byte[]> chunks = new ArrayList<>();
    private byte[] current;
    private int used = CHUNK_BYTES;
    private long size;

    ChunkedBody() {
        super(0);
    }

    @Override
    public void write(int b) {
        if (used == CHUNK_BYTES) {
            nextChunk();
        }
        current[used++] = (byte) b;
        size++;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        while (length > 0) {
            if (used == CHUNK_BYTES) {
                nextChunk();
            }
            int n = Math.min(length, CHUNK_BYTES - used);
            System.arraycopy(bytes, offset, current, used, n);
            used += n;
            offset += n;
            length -= n;
            size += n;
        }
    }

    @Override
    public void writeBytes(byte[] bytes) {
        write(bytes, 0, bytes.length);
    }

    private void nextChunk() {
        current = new byte[CHUNK_BYTES];
        chunks.add(current);
        used = 0;
    }

    /** How many chunks hold the bytes. */
    int chunks() {
        return chunks.size();
    }

    /** Bytes written. */
    @Override
    public int size() {
        return Math.toIntExact(size);
    }

    /** A copy of the bytes written, in one array: for tests and small bodies. */
    @Override
    public byte[] toByteArray() {
        byte[] all = new byte[size()];
        int at = 0;
        for (int i = 0; i < chunks.size(); i++) {
            int length = length(i);
            System.arraycopy(chunks.get(i), 0, all, at, length);
            at += length;
        }
        return all;
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        for (int i = 0; i < chunks.size(); i++) {
            out.write(chunks.get(i), 0, length(i));
        }
    }

    @Override
    public void reset() {
        chunks.clear();
        current = null;
        used = CHUNK_BYTES;
        size = 0;
    }

    @Override
    public String toString() {
        return "ChunkedBody[" + size + " bytes in " + chunks.size() + " chunks]";
    }

    /** Bytes used in chunk {@code i}: all of it but in the last. */
    private int length(int i) {
        return i == chunks.size() - 1 ? used : CHUNK_BYTES;
    }

    /** The bytes written as a request entity, sent chunk by chunk without a copy; write nothing more after. */
    HttpEntity entity(ContentType contentType) {
        return new Entity(contentType);
    }

    /**
     * The entity: the HTTP client asks it for its content in pieces ({@link HttpAsyncContentProducer}) and gets the
     * chunks as they are; repeatable (a retry on another node starts again from the first chunk).
     */
    private final class Entity extends AbstractHttpEntity implements HttpAsyncContentProducer {

        private int chunk;
        private ByteBuffer sending;

        Entity(ContentType contentType) {
            setContentType(contentType.toString());
        }

        @Override
        public boolean isRepeatable() {
            return true;
        }

        @Override
        public long getContentLength() {
            return size;
        }

        @Override
        public InputStream getContent() {
            List<InputStream> streams = new ArrayList<>(chunks.size());
            for (int i = 0; i < chunks.size(); i++) {
                streams.add(new ByteArrayInputStream(chunks.get(i), 0, length(i)));
            }
            return new SequenceInputStream(Collections.enumeration(streams));
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            ChunkedBody.this.writeTo(out);
        }

        @Override
        public boolean isStreaming() {
            return false;
        }

        @Override
        public void produceContent(ContentEncoder encoder, IOControl control) throws IOException {
            while (true) {
                if (sending == null || !sending.hasRemaining()) {
                    if (chunk == chunks.size()) {
                        encoder.complete();
                        return;
                    }
                    sending = ByteBuffer.wrap(chunks.get(chunk), 0, length(chunk));
                    chunk++;
                }
                encoder.write(sending);
                if (sending.hasRemaining()) {
                    return; // the channel is full: called again when it can take more
                }
            }
        }

        @Override
        public void close() {
            chunk = 0;
            sending = null;
        }

        @Override
        public String toString() {
            return ChunkedBody.this.toString();
        }
    }
}
