package io.tributary.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU seconds several processes and the whole machine used during one phase of a benchmark, from Linux's
 * {@code /proc}: single processes (a child JVM, Elasticsearch, Kafka) by their id, PostgreSQL as its postmaster with
 * every backend ({@link ServerCpuMeter}, which needs {@link #sample} while backends come and go). A process that is
 * unknown (id 0) or gone counts 0. Thread-safe.
 */
final class CpuWindow {

    private final Map<String, Long> pids;
    private final Map<String, Long> ticksAtStart = new LinkedHashMap<>();
    private final ServerCpuMeter postgres;
    private final long machineAtStart = CpuMeter.machineBusyTicks();

    /** @param pids the processes to measure by name, in report order; PostgreSQL's is its postmaster */
    CpuWindow(Map<String, Long> pids, long postmasterPid) {
        this.pids = new LinkedHashMap<>(pids);
        this.pids.forEach((name, pid) -> ticksAtStart.put(name, CpuMeter.processTicks(pid)));
        this.postgres = new ServerCpuMeter(postmasterPid);
    }

    /** Records PostgreSQL's backends as they are now; call every second or so while the phase runs. */
    void sample() {
        postgres.sample();
    }

    /** {@code subscriber 12.3 s, PostgreSQL 4.5 s, …, machine 40.1 s (load average 2.1)}: the seconds so far. */
    String describe() {
        sample();
        StringBuilder text = new StringBuilder();
        pids.forEach((name, pid) -> text.append(String.format("%s %.1f s, ", name,
                (CpuMeter.processTicks(pid) - ticksAtStart.get(name)) / CpuMeter.TICKS_PER_SECOND)));
        text.append(String.format("PostgreSQL %.1f s, machine %.1f s (load average %s)", postgres.seconds(),
                (CpuMeter.machineBusyTicks() - machineAtStart) / CpuMeter.TICKS_PER_SECOND, loadAverage()));
        return text.toString();
    }

    /** The 1-minute load average now: how many processes wanted a core, ours and everyone else's. */
    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }
}
