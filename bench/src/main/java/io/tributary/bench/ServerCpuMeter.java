package io.tributary.bench;

import java.util.HashMap;
import java.util.Map;

/**
 * CPU seconds a long-running server (a process and its children, e.g. the postmaster and its backends) used since
 * this meter was created. Processes already running then count from their time at that moment; processes started
 * later count whole. Like {@link CpuMeter}, a process that ends between two {@link #sample}s loses its last
 * interval; without {@code /proc} the figure stays 0. Thread-safe.
 */
final class ServerCpuMeter {

    private final long root;
    private final Map<Long, Long> ticksAtStart = new HashMap<>();
    private final Map<Long, Long> ticksSeen = new HashMap<>();

    /** @param root the server's main process; 0 = unknown, measures nothing */
    ServerCpuMeter(long root) {
        this.root = root;
        for (long pid : ServerProcesses.withChildren(root)) {
            ticksAtStart.put(pid, CpuMeter.processTicks(pid));
        }
    }

    /** Records the CPU time so far of the server's processes. */
    synchronized void sample() {
        for (long pid : ServerProcesses.withChildren(root)) {
            ticksSeen.merge(pid, CpuMeter.processTicks(pid), Math::max);
        }
    }

    /** CPU seconds since the meter was created, as of the last {@link #sample}. */
    synchronized double seconds() {
        long ticks = 0;
        for (Map.Entry<Long, Long> seen : ticksSeen.entrySet()) {
            ticks += Math.max(0, seen.getValue() - ticksAtStart.getOrDefault(seen.getKey(), 0L));
        }
        return ticks / CpuMeter.TICKS_PER_SECOND;
    }
}
