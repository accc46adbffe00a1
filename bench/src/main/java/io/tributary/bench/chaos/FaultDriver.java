package io.tributary.bench.chaos;

import io.tributary.bench.BenchText;
import io.tributary.localstack.RunningElasticsearch;
import io.tributary.localstack.RunningKafka;
import io.tributary.localstack.RunningPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalTime;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Injects one fault per cycle, chosen by a seeded {@link Random} (the same seed gives the same sequence of faults
 * and victims), repairs it, and lets the pipeline run undisturbed for the pause. Every step goes to the run's
 * {@code timeline.log} and, one line per cycle, to standard output. Not thread-safe.
 */
final class FaultDriver {

    private static final Duration TAKEOVER_TIMEOUT = Duration.ofSeconds(60);

    /** The faults, in the report's order. */
    enum Fault {
        KILL_ACTIVE_PRODUCER("kill -9 of the active producer"),
        KILL_SUBSCRIBER("kill -9 of a subscriber"),
        STOP_KAFKA("Kafka broker stopped"),
        STOP_ELASTICSEARCH("Elasticsearch stopped"),
        RESTART_POSTGRES("PostgreSQL restarted");

        final String description;

        Fault(String description) {
            this.description = description;
        }
    }

    /** The servers the faults stop and start. */
    record Servers(RunningPostgres postgres, RunningKafka kafka, RunningElasticsearch elasticsearch) {
    }

    private final Random random;
    private final ChaosPipeline pipeline;
    private final Servers servers;
    private final Duration outage;
    private final Duration pause;
    private final Path timeline;
    private final Map<Fault, Integer> injected = new EnumMap<>(Fault.class);
    private long worstTakeoverMillis;
    private int missedTakeovers;

    FaultDriver(long seed, ChaosPipeline pipeline, Servers servers, Duration outage, Duration pause, Path timeline) {
        this.random = new Random(seed);
        this.pipeline = pipeline;
        this.servers = servers;
        this.outage = outage;
        this.pause = pause;
        this.timeline = timeline;
        for (Fault fault : Fault.values()) {
            injected.put(fault, 0);
        }
    }

    /** Runs {@code cycles} cycles: a fault, its repair, the pause. */
    void run(int cycles) throws IOException, InterruptedException {
        for (int cycle = 1; cycle <= cycles; cycle++) {
            Fault fault = Fault.values()[random.nextInt(Fault.values().length)];
            long started = System.nanoTime();
            String what = inject(fault);
            injected.merge(fault, 1, Integer::sum);
            String line = String.format("cycle %d/%d: %s (%.1f s)", cycle, cycles, what,
                    (System.nanoTime() - started) / 1e9);
            BenchText.progress(line);
            note(line);
            pipeline.watch(pause);
        }
    }

    Map<Fault, Integer> injected() {
        return Map.copyOf(injected);
    }

    /** The longest time from killing the active producer to the standby streaming. */
    long worstTakeoverMillis() {
        return worstTakeoverMillis;
    }

    /** Kills after which no producer streamed within {@link #TAKEOVER_TIMEOUT}. */
    int missedTakeovers() {
        return missedTakeovers;
    }

    private String inject(Fault fault) throws IOException, InterruptedException {
        return switch (fault) {
            case KILL_ACTIVE_PRODUCER -> killActiveProducer();
            case KILL_SUBSCRIBER -> {
                PipelineService victim = pipeline.subscribers().get(random.nextInt(2));
                String name = victim.incarnationName();
                note("kill -9 " + name);
                pipeline.killAndRestart(victim, outage);
                yield "killed " + name + ", dead for " + outage.toSeconds() + " s, restarted as "
                        + victim.incarnationName();
            }
            case STOP_KAFKA -> outage("Kafka", servers.kafka()::stop, servers.kafka()::start);
            case STOP_ELASTICSEARCH -> outage("Elasticsearch", servers.elasticsearch()::stop,
                    servers.elasticsearch()::start);
            case RESTART_POSTGRES -> outage("PostgreSQL (fast shutdown)", servers.postgres()::stop,
                    servers.postgres()::start);
        };
    }

    /**
     * Kills the producer streaming the slot, times the standby's takeover, and starts the killed one again, so that
     * a standby always waits.
     */
    private String killActiveProducer() throws IOException, InterruptedException {
        Optional<PipelineService> active = pipeline.awaitActiveProducer(TAKEOVER_TIMEOUT);
        if (active.isEmpty()) {
            missedTakeovers++;
            return "no producer streamed the slot within " + TAKEOVER_TIMEOUT.toSeconds() + " s: nothing killed";
        }
        PipelineService victim = active.get();
        String name = victim.incarnationName();
        note("kill -9 " + name);
        long killed = System.nanoTime();
        victim.kill();
        Optional<PipelineService> successor = pipeline.awaitActiveProducer(TAKEOVER_TIMEOUT);
        long takeover = (System.nanoTime() - killed) / 1_000_000;
        String result;
        if (successor.isPresent()) {
            worstTakeoverMillis = Math.max(worstTakeoverMillis, takeover);
            result = successor.get().incarnationName() + " took over in " + takeover + " ms";
        } else {
            missedTakeovers++;
            result = "NO TAKEOVER within " + TAKEOVER_TIMEOUT.toSeconds() + " s";
        }
        pipeline.restart(victim);
        return "killed " + name + " (active), " + result + ", restarted as " + victim.incarnationName()
                + " (standby)";
    }

    private String outage(String server, Runnable stop, Runnable start) throws IOException, InterruptedException {
        note("stopping " + server);
        long stopping = System.nanoTime();
        stop.run();
        long stopped = System.nanoTime();
        pipeline.watch(outage);
        note("starting " + server);
        long starting = System.nanoTime();
        start.run();
        return String.format("%s stopped in %.1f s, down %d s, started in %.1f s", server,
                (stopped - stopping) / 1e9, outage.toSeconds(), (System.nanoTime() - starting) / 1e9);
    }

    private void note(String line) throws IOException {
        Files.writeString(timeline, LocalTime.now() + " " + line + "\n", StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }
}
