package io.tributary.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time spent during one drain, read from Linux's {@code /proc}: by the server process streaming the slot (the
 * walsender, which decodes the WAL), by the client draining it (pg_recvlogical or the producer JVM), and by the
 * whole machine. Processes are sampled while they run, so up to one sampling interval of their last CPU time may be
 * missed. Without {@code /proc} every figure stays zero. Not thread-safe.
 */
final class CpuMeter {

    /** Linux reports process and machine times in USER_HZ ticks, 100 per second on every common architecture. */
    static final double TICKS_PER_SECOND = 100.0;

    private final long machineBusyAtStart = machineBusyTicks();
    private long walsenderTicks;
    private long clientTicks;

    /** CPU seconds of one drain. {@code machine} includes everything else running, e.g. Kafka and other builds. */
    record CpuSeconds(double walsender, double client, double machine) {
    }

    /** Records the CPU time so far of the walsender and the client (pid 0 = not known yet). */
    void sample(long walsenderPid, long clientPid) {
        walsenderTicks = Math.max(walsenderTicks, processTicks(walsenderPid));
        clientTicks = Math.max(clientTicks, processTicks(clientPid));
    }

    CpuSeconds finish() {
        return new CpuSeconds(walsenderTicks / TICKS_PER_SECOND, clientTicks / TICKS_PER_SECOND,
                (machineBusyTicks() - machineBusyAtStart) / TICKS_PER_SECOND);
    }

    /** user + system time of the process, in ticks; 0 when it is gone or unknown. */
    static long processTicks(long pid) {
        if (pid <= 0) {
            return 0;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Fields after the command name (which may hold spaces) start with the state, field 3 of proc(5).
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime (14), stime (15)
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * user + system ticks of each thread of {@code pid} by thread id, with the thread's name ({@code comm}, at most 15
     * characters); empty when the process is gone or unknown.
     */
    static Map<Long, ThreadTicks> threadTicks(long pid) {
        Map<Long, ThreadTicks> threads = new HashMap<>();
        if (pid <= 0) {
            return threads;
        }
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    threads.put(Long.parseLong(task.getFileName().toString()),
                            new ThreadTicks(name, Long.parseLong(fields[11]) + Long.parseLong(fields[12])));
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            return threads;
        }
        return threads;
    }

    /** A thread's name and its CPU ticks so far. */
    record ThreadTicks(String name, long ticks) {
    }

    /**
     * CPU seconds by thread group between two {@link #threadTicks} readings of one process (threads started between
     * them count whole); a group is the thread name without its trailing number ({@code GC Thread#1},
     * {@code tributary-bulk-2}), largest first.
     */
    static Map<String, Double> secondsByThreadGroup(Map<Long, ThreadTicks> before, Map<Long, ThreadTicks> after) {
        Map<String, Long> ticks = new HashMap<>();
        after.forEach((tid, thread) -> {
            ThreadTicks earlier = before.get(tid);
            long used = thread.ticks() - (earlier == null ? 0 : earlier.ticks());
            ticks.merge(thread.name().replaceAll("[-#]?[0-9]+$", ""), used, Long::sum);
        });
        Map<String, Double> seconds = new LinkedHashMap<>();
        ticks.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(group -> seconds.put(group.getKey(), group.getValue() / TICKS_PER_SECOND));
        return seconds;
    }

    /** Busy ticks of all CPUs together since boot: everything but idle and iowait. */
    static long machineBusyTicks() {
        try {
            String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < fields.length && i <= 8; i++) {
                if (i != 4 && i != 5) { // idle, iowait
                    busy += Long.parseLong(fields[i]);
                }
            }
            return busy;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
