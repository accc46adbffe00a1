package io.tributary.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

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
