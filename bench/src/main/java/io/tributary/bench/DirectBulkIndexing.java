package io.tributary.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Elasticsearch's own ceiling: the final documents bulk-indexed straight into Elasticsearch, with the subscriber's
 * index names, ids and external versions, into indices deleted just before and created as the subscriber's were
 * (same mappings, shards and replicas; or on the first write, with dynamic mappings, when no layout is given). The
 * {@code _bulk} bodies are byte ranges of a file written beforehand ({@link ChangeEventWorkload#writeFinalDocuments}),
 * so the client costs almost nothing: the time is Elasticsearch's. Timed from the creation of the indices (which
 * the subscriber's time includes too) until the last answer, without a refresh (as for the subscriber).
 */
final class DirectBulkIndexing {

    private DirectBulkIndexing() {
    }

    /**
     * @param documents     documents indexed
     * @param took          creating the indices until the last answer read
     * @param serverSeconds CPU seconds of Elasticsearch during the run
     * @param machineSeconds CPU seconds of the whole machine during the run
     * @param serverCompilerSeconds CPU seconds of Elasticsearch's JIT compiler threads during the run (part of
     *                              {@code serverSeconds})
     */
    record Trial(int batchSize, int concurrency, long documents, Duration took, double serverSeconds,
                 double machineSeconds, double serverCompilerSeconds) {
        double rate() {
            return documents / (took.toNanos() / 1e9);
        }
    }

    /**
     * Indexes the first {@code documents} of {@code file} in requests of {@code batchSize}, {@code concurrency} at a
     * time, into freshly deleted {@code indices}.
     *
     * @param offsets where each document starts in {@code file}, as {@link ChangeEventWorkload#writeFinalDocuments}
     *                returned them
     * @param layouts   the body each index is created with ({@link ElasticsearchRest#layouts}); empty: created by
     *                  the first write
     * @param serverPid Elasticsearch's process id for its CPU time (0: unknown)
     */
    static Trial run(ElasticsearchRest elasticsearch, List<String> indices, Map<String, ObjectNode> layouts,
                     Path file, long[] offsets, int documents, int batchSize, int concurrency, long serverPid,
                     Duration timeout)
            throws IOException, InterruptedException, TimeoutException {
        elasticsearch.deleteIndices(indices);
        int batches = (documents + batchSize - 1) / batchSize;
        AtomicInteger next = new AtomicInteger();
        ExecutorService senders = Executors.newFixedThreadPool(concurrency);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long serverTicks = CpuMeter.processTicks(serverPid);
            Map<Long, CpuMeter.ThreadTicks> serverThreads = CpuMeter.threadTicks(serverPid);
            long machineTicks = CpuMeter.machineBusyTicks();
            long started = System.nanoTime();
            for (Map.Entry<String, ObjectNode> layout : layouts.entrySet()) {
                elasticsearch.createIndex(layout.getKey(), layout.getValue());
            }
            List<Future<Void>> running = new ArrayList<>();
            for (int i = 0; i < concurrency; i++) {
                running.add(senders.submit(() -> {
                    for (int batch = next.getAndIncrement(); batch < batches; batch = next.getAndIncrement()) {
                        long from = offsets[batch * batchSize];
                        long to = offsets[Math.min((batch + 1) * batchSize, documents)];
                        elasticsearch.bulk(read(channel, from, to));
                    }
                    return null;
                }));
            }
            long deadline = started + timeout.toNanos();
            for (Future<Void> sender : running) {
                try {
                    sender.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (ExecutionException e) {
                    throw new IOException("bulk indexing in batches of " + batchSize + " failed: "
                            + e.getCause().getMessage(), e.getCause());
                }
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            return new Trial(batchSize, concurrency, documents, took,
                    (CpuMeter.processTicks(serverPid) - serverTicks) / CpuMeter.TICKS_PER_SECOND,
                    (CpuMeter.machineBusyTicks() - machineTicks) / CpuMeter.TICKS_PER_SECOND,
                    SubscriberDrain.Streaming.compilerSeconds(CpuMeter.secondsByThreadGroup(serverThreads,
                            CpuMeter.threadTicks(serverPid))));
        } finally {
            senders.shutdownNow();
        }
    }

    private static byte[] read(FileChannel channel, long from, long to) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact(to - from));
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, from + buffer.position()) < 0) {
                throw new IOException("the bulk file ends before byte " + to);
            }
        }
        return buffer.array();
    }
}
