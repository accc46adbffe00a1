package io.tributary.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.model.ChangeEventJson;
import java.io.IOException;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * The latency bench's probes and their watchers: each probe row records when its {@code COMMIT} returned and when
 * Kafka ({@link Stage#ACKNOWLEDGED}), a real-time GET ({@link Stage#APPLIED}) and a search ({@link Stage#SEARCHABLE})
 * first saw it; one watcher per stage fills that in.
 */
final class LatencyProbes {

    /** Probes an Elasticsearch poll asks for at most: the oldest not seen yet (50 = 5 s of probes). */
    static final int POLLED_AT_MOST = 50;

    private LatencyProbes() {
    }

    /** Where a probe is seen. */
    enum Stage {
        ACKNOWLEDGED, APPLIED, SEARCHABLE
    }

    /** One probe row: when its commit returned and when each {@link Stage} saw it (0 until then). */
    static final class Probe {
        final long id;
        final long committedAt;
        final boolean counted;
        private volatile long acknowledgedAt;
        private volatile long appliedAt;
        private volatile long searchableAt;

        Probe(long id, long committedAt, boolean counted) {
            this.id = id;
            this.committedAt = committedAt;
            this.counted = counted;
        }

        long seenAt(Stage stage) {
            return switch (stage) {
                case ACKNOWLEDGED -> acknowledgedAt;
                case APPLIED -> appliedAt;
                case SEARCHABLE -> searchableAt;
            };
        }

        /** Records the first time {@code stage} saw the probe; later sightings change nothing. */
        void seen(Stage stage, long atNanos) {
            if (seenAt(stage) != 0) {
                return;
            }
            switch (stage) {
                case ACKNOWLEDGED -> acknowledgedAt = atNanos;
                case APPLIED -> appliedAt = atNanos;
                case SEARCHABLE -> searchableAt = atNanos;
            }
        }

        boolean seenEverywhere() {
            return acknowledgedAt != 0 && appliedAt != 0 && searchableAt != 0;
        }
    }

    /**
     * Reads the probe table's partition until probing stopped and every probe was read. Probes of earlier runs (round
     * trips) are skipped.
     */
    static Void readKafka(KafkaConsumer<byte[], byte[]> consumer, Map<Long, Probe> probes,
                                  AtomicBoolean probing, long firstProbeOfRun) throws IOException {
        // Probes read before the prober registered them (it does so right after COMMIT returns), by id: read time.
        Map<Long, Long> early = new HashMap<>();
        try (consumer) {
            while (probing.get() || probes.values().stream().anyMatch(p -> p.seenAt(Stage.ACKNOWLEDGED) == 0)) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(5))) {
                    long read = System.nanoTime();
                    JsonNode key = ChangeEventJson.mapper().readTree(record.key());
                    if (key.path("table").asText().equals("probes")) {
                        early.putIfAbsent(key.path("key").path("id").asLong(), read);
                    }
                }
                early.entrySet().removeIf(entry -> {
                    Probe probe = probes.get(entry.getKey());
                    if (probe != null) {
                        probe.seen(Stage.ACKNOWLEDGED, entry.getValue());
                    }
                    return probe != null || entry.getKey() < firstProbeOfRun;
                });
            }
        }
        return null;
    }

    /** Which of {@code ids} one of Elasticsearch's reads finds now. */
    @FunctionalInterface
    interface Lookup {
        List<String> found(List<String> ids) throws IOException, InterruptedException;
    }

    /**
     * Every {@code pollEvery}, asks Elasticsearch ({@code lookup}) for the oldest {@value #POLLED_AT_MOST} probes
     * {@code stage} has not seen yet, until probing stopped and every probe was seen. Until the subscriber's probe index
     * is created and started, nothing is found.
     *
     * <p>Only the oldest are asked for, so that a backlog does not make the measuring itself load Elasticsearch more
     * (every waiting probe every 10 ms is hundreds of ids per request once the subscriber is seconds behind). The
     * probes are one table's rows, applied in commit order (one partition), so a newer probe is not there before the
     * older ones; when more than that many become visible at once, the rest are found by the next polls, each a poll
     * interval later: late, never early.
     */
    static Void pollElasticsearch(Duration pollEvery, Map<Long, Probe> probes, AtomicBoolean probing, Stage stage,
                                   Lookup lookup) throws Exception {
        while (true) {
            long polled = System.nanoTime();
            List<Probe> waiting = probes.values().stream().filter(p -> p.seenAt(stage) == 0)
                    .sorted(Comparator.comparingLong(p -> p.id)).limit(POLLED_AT_MOST).toList();
            if (waiting.isEmpty() && !probing.get()) {
                return null;
            }
            if (!waiting.isEmpty()) {
                List<String> found;
                try {
                    found = lookup.found(waiting.stream().map(p -> Long.toString(p.id)).toList());
                } catch (IOException e) {
                    if (!notCreatedYet(e)) {
                        throw e;
                    }
                    found = List.of();
                }
                long answered = System.nanoTime();
                for (String id : found) {
                    Probe probe = probes.get(Long.parseLong(id));
                    if (probe != null) {
                        probe.seen(stage, answered);
                    }
                }
            }
            LockSupport.parkNanos(polled + pollEvery.toNanos() - System.nanoTime());
        }
    }

    /** The subscriber has not created the probe index yet, or its shard is not started yet. */
    static boolean notCreatedYet(IOException e) {
        String message = String.valueOf(e.getMessage());
        return message.contains("index_not_found_exception") || message.contains("no_shard_available_action_exception");
    }
}
