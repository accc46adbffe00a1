package io.tributary.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.function.Function;

/**
 * What every bench prints alike: progress lines, durations, the machine a report was measured on, and the lines of
 * a report's table of runs.
 */
public final class BenchText {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    private BenchText() {
    }

    /** A progress line on standard output, with the time of day. */
    public static void progress(String message) {
        System.out.println("[bench " + LocalTime.now().format(CLOCK) + "] " + message);
    }

    static double secondsOf(Duration duration) {
        return duration.toNanos() / 1e9;
    }

    /** {@code 12.3 s}. */
    static String seconds(Duration duration) {
        return String.format("%.1f s", secondsOf(duration));
    }

    /** The host, CPUs, memory, Java and the load average now, for a report's "machine" line. */
    public static String describeMachine() {
        String cpuModel = "unknown CPU";
        try {
            cpuModel = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(line -> line.startsWith("model name")).map(line -> line.substring(line.indexOf(':') + 2))
                    .findFirst().orElse(cpuModel);
        } catch (IOException e) {
            // keep "unknown CPU"
        }
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown host";
        }
        String load;
        try {
            load = Files.readString(Path.of("/proc/loadavg")).trim().split(" ")[0];
        } catch (IOException e) {
            load = "?";
        }
        return String.format("%s, %d CPUs (%s), %d GiB RAM, Java %s, load average %s at start", host,
                Runtime.getRuntime().availableProcessors(), cpuModel, totalMemoryGib(), Runtime.version(), load);
    }

    /** One line of a report's table: {@code label}, then each run's {@code value}, right-aligned in columns. */
    static <R> void line(StringBuilder out, String label, List<R> runs, Function<R, String> value) {
        out.append(String.format("%-40s", label));
        for (R run : runs) {
            out.append(String.format(" %16s", value.apply(run)));
        }
        out.append('\n');
    }

    /**
     * Appends the JFR hot spots of {@code jfr} when one was recorded, writes the report to {@code report.txt} of the
     * run directory and prints it with where the run's files are.
     *
     * @param jfr the recording to summarise; null when the run was not profiled
     */
    public static void publishReport(Path directory, String report, Path jfr) throws IOException {
        String complete = jfr == null ? report : report + "\n" + JfrHotSpots.summarize(jfr, 20);
        Files.writeString(directory.resolve("report.txt"), complete);
        System.out.println();
        System.out.print(complete);
        System.out.println("(report, logs and configuration in " + directory + ")");
    }

    private static long totalMemoryGib() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream()
                    .filter(line -> line.startsWith("MemTotal:"))
                    .mapToLong(line -> Long.parseLong(line.replaceAll("[^0-9]", "")) >> 20).findFirst().orElse(0);
        } catch (IOException e) {
            return 0;
        }
    }
}
