package io.tributary.bench;

import java.io.OutputStream;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;
import org.postgresql.PGConnection;

/**
 * PostgreSQL's own read rate of the snapshot tables, the ceiling of any snapshot: {@code COPY (SELECT * FROM t) TO
 * STDOUT} through pgjdbc's {@code CopyManager} into a sink that only counts bytes, with as many connections as the
 * producer reads tables at once. The rows cross the same local socket as the producer's, but are neither parsed
 * into values nor encoded nor sent on to Kafka.
 */
final class CopyBaseline {

    private CopyBaseline() {
    }

    /** @param rows rows COPY wrote; {@code bytes} the text it sent; {@code took} from the first COPY to the last end */
    record Figures(long rows, long bytes, Duration took, double postgresCpuSeconds) {
        double rowsPerSecond() {
            return rows / (took.toNanos() / 1e9);
        }
    }

    static Figures read(SnapshotTables tables, int connections, long postmasterPid) throws Exception {
        Queue<String> pending = new ConcurrentLinkedQueue<>(tables.names());
        int threads = Math.min(connections, tables.names().size());
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        LongAdder rows = new LongAdder();
        LongAdder bytes = new LongAdder();
        ServerCpuMeter postgresCpu = new ServerCpuMeter(postmasterPid);
        long started = System.nanoTime();
        try {
            List<Future<Void>> readers = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                readers.add(pool.submit(() -> {
                    try (Connection connection = tables.connect()) {
                        for (String table = pending.poll(); table != null; table = pending.poll()) {
                            rows.add(connection.unwrap(PGConnection.class).getCopyAPI()
                                    .copyOut("COPY (SELECT * FROM " + table + ") TO STDOUT", new CountingSink(bytes)));
                        }
                        postgresCpu.sample(); // before the connection closes and its backend's time is gone
                    }
                    return null;
                }));
            }
            for (Future<Void> reader : readers) {
                reader.get();
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("the COPY baseline failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        return new Figures(rows.sum(), bytes.sum(), took, postgresCpu.seconds());
    }

    /** Discards what COPY writes, counting the bytes. */
    private static final class CountingSink extends OutputStream {
        private final LongAdder bytes;

        CountingSink(LongAdder bytes) {
            this.bytes = bytes;
        }

        @Override
        public void write(int b) {
            bytes.increment();
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes.add(len);
        }
    }
}
