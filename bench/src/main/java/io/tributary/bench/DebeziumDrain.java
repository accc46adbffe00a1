package io.tributary.bench;

import io.tributary.localstack.RunningPostgres;
import io.tributary.model.Lsn;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The peer's drain: Debezium's embedded PostgreSQL connector (bench-debezium's {@value #MAIN_CLASS}) runs as a child
 * JVM from the classpath bench-debezium's build wrote, with its own heap limit and GC log, on a slot created before
 * the workload, and is timed from launch until it reports that Kafka acknowledged the end marker's change and every
 * change before it. Its output is copied line by line into {@code debezium.log} of the phase's directory as it
 * arrives, so its progress lines are timed when they are printed, not when a poll finds them.
 *
 * <p>The drain fails unless the child streamed from the given slot (its walsender was seen), so a connector that
 * made a slot of its own cannot pass; the bench checks the record count against the phase's changes, so a snapshot
 * cannot pass either.
 */
final class DebeziumDrain {

    static final String MAIN_CLASS = "io.tributary.bench.debezium.DebeziumStreamingMain";
    /** What the main class's lines for the bench start with. */
    private static final String PREFIX = "debezium-streaming: ";
    private static final long SAMPLE_MILLIS = 200;

    private DebeziumDrain() {
    }

    /**
     * How the child is started.
     *
     * @param classpathFile bench-debezium's {@code target/bench-debezium.classpath}; its classes are beside it
     * @param heap          the child's {@code -Xmx}
     * @param directory     where {@code debezium.log} and {@code debezium-gc.log} go
     */
    record Launch(Path classpathFile, String heap, Path directory) {
    }

    /**
     * What it drains and where to.
     *
     * @param beforeMarker the end marker's change is the first at or past it (see {@link Workload.EndMarker})
     */
    record Target(RunningPostgres postgres, String database, String slot, String bootstrapServers, String topic,
                  Lsn beforeMarker) {
    }

    /**
     * @param version  the Debezium version the child reported
     * @param took     launch until Kafka had acknowledged the end marker's change and all before it
     * @param startup  launch until the first change arrived (JVM start, connector start, connecting)
     * @param records  records the child sent and Kafka acknowledged
     * @param heap     heap figures from the child's GC log ({@code maxUsed}: the most a pause found in use)
     * @param cpu      CPU seconds during the drain
     */
    record Figures(String version, Duration took, Duration startup, long records, ProducerDrain.HeapFigures heap,
                   CpuMeter.CpuSeconds cpu) {
    }

    static Figures drain(Launch launch, Target target, Workload workload, Duration timeout)
            throws IOException, SQLException, InterruptedException {
        Path log = launch.directory().resolve("debezium.log");
        Path gcLog = launch.directory().resolve("debezium-gc.log");
        List<String> command = command(launch, target, gcLog);
        Files.writeString(log, String.join(" ", command) + "\n");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("TRIBUTARY_"));
        builder.environment().put("PGPASSWORD", target.postgres().password());
        CpuMeter cpu = new CpuMeter();
        long started = System.nanoTime();
        Process process = builder.start();
        OutputWatcher output = new OutputWatcher(process, log);
        Thread copier = new Thread(output, "debezium-output");
        copier.setDaemon(true);
        copier.start();
        try (Connection connection = workload.connect()) {
            long deadline = started + timeout.toNanos();
            long walsender = 0;
            while (output.doneAtNanos() == 0) {
                if (process.waitFor(SAMPLE_MILLIS, TimeUnit.MILLISECONDS) && output.awaitEnd() == 0) {
                    throw new IllegalStateException("Debezium exited with status " + process.exitValue()
                            + " before Kafka had acknowledged the change at " + target.beforeMarker() + " on slot "
                            + target.slot() + RecvlogicalDrain.tail(log));
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Debezium did not have the change at " + target.beforeMarker()
                            + " acknowledged by Kafka within " + timeout.toMinutes() + " min on slot " + target.slot()
                            + RecvlogicalDrain.tail(log));
                }
                if (walsender == 0) {
                    walsender = workload.activePid(connection, target.slot());
                }
                cpu.sample(walsender, process.pid());
            }
            cpu.sample(walsender, process.pid());
            CpuMeter.CpuSeconds cpuSeconds = cpu.finish();
            if (walsender == 0) {
                throw new IllegalStateException("Debezium finished, but no process ever streamed slot "
                        + target.slot() + ": it did not read the bench's slot" + RecvlogicalDrain.tail(log));
            }
            if (!process.waitFor(ProducerDrain.STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("Debezium did not exit within " + ProducerDrain.STOP_TIMEOUT.toSeconds()
                        + " s of reporting it was done" + RecvlogicalDrain.tail(log));
            }
            output.awaitEnd();
            if (process.exitValue() != 0) {
                throw new IllegalStateException("Debezium exited with status " + process.exitValue()
                        + " after reporting it was done" + RecvlogicalDrain.tail(log));
            }
            long firstAt = output.firstRecordAtNanos() == 0 ? output.doneAtNanos() : output.firstRecordAtNanos();
            return new Figures(output.version(), Duration.ofNanos(output.doneAtNanos() - started),
                    Duration.ofNanos(firstAt - started), output.records(), heap(gcLog), cpuSeconds);
        } finally {
            process.destroyForcibly();
        }
    }

    /**
     * The {@code -cp} of a bench-debezium child: the module's classes and the dependency classpath its build wrote
     * into {@code classpathFile} ({@code target/bench-debezium.classpath}).
     */
    static String childClasspath(Path classpathFile) throws IOException {
        if (!Files.isRegularFile(classpathFile)) {
            throw new IllegalStateException(classpathFile + " is missing: build it with mvn -B -Ppeers package"
                    + " -DskipTests -pl bench-debezium");
        }
        return classpathFile.resolveSibling("classes") + ":" + Files.readString(classpathFile).trim();
    }

    private static List<String> command(Launch launch, Target target, Path gcLog) throws IOException {
        String classpath = childClasspath(launch.classpathFile());
        RunningPostgres postgres = target.postgres();
        return new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + launch.heap(), "-Xlog:gc:file=" + gcLog + ":uptime", "-cp", classpath, MAIN_CLASS,
                "--host", postgres.host(), "--port", Integer.toString(postgres.port()), "--user", postgres.user(),
                "--database", target.database(), "--slot", target.slot(), "--publication", Workload.PUBLICATION,
                "--table", Workload.TABLE, "--bootstrap-servers", target.bootstrapServers(),
                "--topic", target.topic(), "--until-lsn", target.beforeMarker().toString()));
    }

    private static ProducerDrain.HeapFigures heap(Path gcLog) throws IOException {
        long used = 0;
        long afterGc = 0;
        double pauseMillis = 0;
        List<GcPause> pauses = GcPause.read(gcLog);
        for (GcPause pause : pauses) {
            used = Math.max(used, pause.beforeBytes());
            afterGc = Math.max(afterGc, pause.afterBytes());
            pauseMillis += pause.millis();
        }
        return new ProducerDrain.HeapFigures(used, afterGc, pauses.size(), pauseMillis / 1000);
    }

    /**
     * Copies the child's output into its log and notes when its progress lines arrive. Runs on its own thread; the
     * drain reads the notes through the synchronized getters.
     */
    private static final class OutputWatcher implements Runnable {

        private final Process process;
        private final Path log;
        private String version = "?";
        private long firstRecordAtNanos;
        private long doneAtNanos;
        private long records;
        private boolean ended;

        OutputWatcher(Process process, Path log) {
            this.process = process;
            this.log = log;
        }

        @Override
        public void run() {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                 BufferedWriter out = Files.newBufferedWriter(log, StandardOpenOption.APPEND)) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    note(line, System.nanoTime());
                    out.write(line);
                    out.newLine();
                    out.flush();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("copying Debezium's output into " + log, e);
            } finally {
                synchronized (this) {
                    ended = true;
                    notifyAll();
                }
            }
        }

        private synchronized void note(String line, long nowNanos) {
            if (!line.startsWith(PREFIX)) {
                return;
            }
            String message = line.substring(PREFIX.length());
            if (message.startsWith("started Debezium ")) {
                version = message.substring("started Debezium ".length()).split(" ", 2)[0];
            } else if (message.equals("first record")) {
                firstRecordAtNanos = nowNanos;
            } else if (message.startsWith("done: ")) {
                records = Long.parseLong(message.substring("done: ".length()).split(" ", 2)[0]);
                doneAtNanos = nowNanos;
            }
        }

        /** Waits until the child's output has ended (it exited); returns when it reported done, 0 if never. */
        synchronized long awaitEnd() throws InterruptedException {
            while (!ended) {
                wait();
            }
            return doneAtNanos;
        }

        synchronized String version() {
            return version;
        }

        synchronized long firstRecordAtNanos() {
            return firstRecordAtNanos;
        }

        synchronized long doneAtNanos() {
            return doneAtNanos;
        }

        synchronized long records() {
            return records;
        }
    }
}
