package io.tributary.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debezium's initial snapshot of the same tables, the peer of {@link SnapshotDrain}: module {@code bench-debezium}'s
 * {@code io.tributary.bench.debezium.DebeziumSnapshotMain} in a child JVM with that module's own classpath (Kafka
 * Connect and Debezium never share a classpath with the services or this harness), the same {@code -Xmx} and a G1
 * log. It prints the JVM's uptime when the first row reached it and when Kafka acknowledged the last one, then exits;
 * CPU is sampled every second as for the producer. Heap figures come from the GC log only (it has no /metrics).
 */
final class DebeziumSnapshotDrain {

    private static final long SAMPLE_MILLIS = 1000;
    private static final String MAIN_CLASS = "io.tributary.bench.debezium.DebeziumSnapshotMain";

    private DebeziumSnapshotDrain() {
    }

    /**
     * @param module the {@code bench-debezium} directory, holding {@code target/classes} and
     *               {@code target/bench-debezium.classpath}
     */
    record Launch(Path module, String heap, Path directory) {
    }

    /** What Debezium reads and where it writes; {@code slot} is its own slot and publication. */
    record Target(String host, int port, String database, String user, String password, String slot,
                  List<String> tables, String bootstrapServers, String topic) {
    }

    static SnapshotDrain.Figures take(Launch launch, Target target, long expectedRows, SnapshotDrain.Servers servers,
                                      Duration timeout) throws IOException, InterruptedException {
        Path output = launch.directory().resolve("debezium.out");
        Path log = launch.directory().resolve("debezium.log");
        Path gcLog = launch.directory().resolve("debezium-gc.log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + launch.heap(), "-Xlog:gc:file=" + gcLog + ":uptime",
                "-cp", DebeziumDrain.childClasspath(launch.module().resolve("target/bench-debezium.classpath")),
                MAIN_CLASS,
                "host=" + target.host(), "port=" + target.port(), "database=" + target.database(),
                "user=" + target.user(), "password=" + target.password(), "slot=" + target.slot(),
                "tables=" + String.join(",", target.tables()), "bootstrap-servers=" + target.bootstrapServers(),
                "topic=" + target.topic(), "rows=" + expectedRows));
        Files.writeString(log, String.join(" ", command) + "\n");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(output.toFile())
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        CpuMeter cpu = new CpuMeter();
        ServerCpuMeter postgresCpu = new ServerCpuMeter(servers.postmasterPid());
        ServerCpuMeter kafkaCpu = new ServerCpuMeter(servers.kafkaPid());
        Process process = builder.start();
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!process.waitFor(SAMPLE_MILLIS, TimeUnit.MILLISECONDS)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Debezium's snapshot of " + expectedRows + " rows was not complete"
                            + " within " + timeout.toMinutes() + " min" + RecvlogicalDrain.tail(log));
                }
                cpu.sample(0, process.pid());
                postgresCpu.sample();
                kafkaCpu.sample();
            }
        } finally {
            process.destroyForcibly();
        }
        List<String> lines = Files.readAllLines(output);
        long firstRowMillis = valueAfter(lines, "first-row ", 0, log);
        String[] complete = lines.stream().filter(line -> line.startsWith("complete ")).findFirst()
                .orElseThrow(() -> new IllegalStateException("Debezium exited with status " + process.exitValue()
                        + " before its snapshot was complete" + RecvlogicalDrain.tail(log))).split(" ");
        long rows = Long.parseLong(complete[1]);
        Duration took = Duration.ofMillis(Long.parseLong(complete[2]));
        double endUptime = took.toNanos() / 1e9;
        List<GcPause> pauses = GcPause.read(gcLog).stream()
                .filter(pause -> pause.uptimeSeconds() <= endUptime).toList();
        return new SnapshotDrain.Figures(took, Duration.ofMillis(firstRowMillis), rows,
                pauses.stream().mapToLong(GcPause::beforeBytes).max().orElse(0),
                SnapshotDrain.GcFigures.of(pauses), cpu.finish(), postgresCpu.seconds(), kafkaCpu.seconds(),
                process.exitValue());
    }

    private static long valueAfter(List<String> lines, String prefix, int field, Path log) {
        return lines.stream().filter(line -> line.startsWith(prefix)).findFirst()
                .map(line -> Long.parseLong(line.substring(prefix.length()).split(" ")[field]))
                .orElseThrow(() -> new IllegalStateException("Debezium never reported '" + prefix.trim() + "'"
                        + RecvlogicalDrain.tail(log)));
    }
}
