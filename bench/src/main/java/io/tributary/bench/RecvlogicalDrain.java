package io.tributary.bench;

import io.tributary.localstack.RunningPostgres;
import io.tributary.model.Lsn;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * PostgreSQL's own decode limit: {@code pg_recvlogical} drains a pgoutput slot (protocol 1, the producer's
 * options) into {@code /dev/null} up to the workload's end position. It does nothing with the bytes, so its rate is
 * what the walsender can decode and send on this machine, the ceiling for any client of the same slot.
 */
final class RecvlogicalDrain {

    private static final long SAMPLE_MILLIS = 200;

    private RecvlogicalDrain() {
    }

    /** How long the drain took, from starting the process to its exit, and the CPU it cost. */
    record Figures(Duration took, CpuMeter.CpuSeconds cpu) {
    }

    /**
     * Runs {@code pg_recvlogical --start -E end} on {@code slot} and waits for it to exit.
     *
     * @throws IllegalStateException when it fails or outlives {@code timeout}; the message holds its log's tail
     */
    static Figures drain(Path recvlogical, RunningPostgres postgres, String database, Workload workload,
                         String slot, Lsn end, Path log, Duration timeout) throws IOException, SQLException,
            InterruptedException {
        List<String> command = List.of(recvlogical.toString(),
                "-d", "host=" + postgres.host() + " port=" + postgres.port() + " user=" + postgres.user()
                        + " dbname=" + database + " application_name=bench_recvlogical",
                "--slot", slot, "--start", "--no-loop",
                "-o", "proto_version=1", "-o", "publication_names=" + Workload.PUBLICATION,
                "-E", end.toString(), "-f", "/dev/null");
        Files.writeString(log, String.join(" ", command) + "\n");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("PGPASSWORD", postgres.password());
        CpuMeter cpu = new CpuMeter();
        long deadline = System.nanoTime() + timeout.toNanos();
        long started = System.nanoTime();
        Process process = builder.start();
        try (Connection connection = workload.connect()) {
            long walsender = 0;
            while (!process.waitFor(SAMPLE_MILLIS, TimeUnit.MILLISECONDS)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("pg_recvlogical did not reach " + end + " on slot " + slot
                            + " within " + timeout.toMinutes() + " min" + tail(log));
                }
                if (walsender == 0) {
                    walsender = workload.activePid(connection, slot);
                }
                cpu.sample(walsender, process.pid());
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            if (process.exitValue() != 0) {
                throw new IllegalStateException("pg_recvlogical exited with status " + process.exitValue()
                        + " draining slot " + slot + tail(log));
            }
            return new Figures(took, cpu.finish());
        } finally {
            process.destroyForcibly();
        }
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return "; last lines of " + log + ":\n  "
                    + String.join("\n  ", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return " (log " + log + " unreadable: " + e.getMessage() + ")";
        }
    }
}
