package io.tributary.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Which CPU each side of a benchmark runs on, set with {@code taskset} (util-linux): the server under test on one CPU
 * ({@link #serverCpu}), everything that feeds it — the Kafka broker, the subscriber child, this JVM (the direct bulk
 * client) — on another ({@link #clientCpu}). Running processes are pinned with {@code taskset -a -p} (every thread;
 * threads started later inherit their creator's CPU); a child JVM is started under {@code taskset -c} with
 * {@code -XX:ActiveProcessorCount} set to the CPUs this JVM was started with, so that confining it changes where it
 * runs, not how its JVM sizes itself (garbage collector, thread pools). {@link #NONE} pins nothing.
 *
 * <p>Linux only. A pin that fails or does not hold (read back from {@code /proc/<pid>/task/*}/status) throws, so a
 * report never claims a pinning that did not happen.
 *
 * @param serverCpu  the CPU of the server under test; -1 for {@link #NONE}
 * @param clientCpu  the CPU of everything else the bench starts or runs; -1 for {@link #NONE}
 * @param visibleCpus the CPUs this JVM was allowed when the pinning was chosen, given to pinned child JVMs
 */
record CpuPinning(int serverCpu, int clientCpu, int visibleCpus) {

    /** Pins nothing; {@link #launch} returns the command unchanged. */
    static final CpuPinning NONE = new CpuPinning(-1, -1, 0);

    /** {@code --pin}, {@code --no-pin}, or neither: pin when the machine has the CPUs for it. */
    enum Request { AUTO, ON, OFF }

    private static final long TASKSET_TIMEOUT_SECONDS = 10;

    boolean pins() {
        return serverCpu >= 0;
    }

    /**
     * The pinning for {@code request}: the server on the last CPU this JVM may use, the rest on the first.
     *
     * @throws IllegalStateException when pinning is asked for (or {@link Request#AUTO} on two or more CPUs) and
     *                               impossible: fewer than two CPUs, or no working {@code taskset}
     */
    static CpuPinning choose(Request request) {
        if (request == Request.OFF) {
            return NONE;
        }
        List<Integer> allowed = allowedCpus(ProcessHandle.current().pid());
        if (allowed.size() < 2) {
            if (request == Request.AUTO) {
                return NONE;
            }
            throw new IllegalStateException("--pin needs at least two CPUs to put the server and its clients on"
                    + " different ones; this process may use " + allowed + " (run with --no-pin)");
        }
        requireTaskset();
        return new CpuPinning(allowed.get(allowed.size() - 1), allowed.get(0), allowed.size());
    }

    /** Pins the process {@code pid}, every thread of it and of its descendants, to the server's CPU. */
    String pinServer(long pid, String what) {
        return pin(withDescendants(pid, what), serverCpu, what);
    }

    /** Pins the process {@code pid}, every thread of it and of its descendants, to the clients' CPU. */
    String pinClient(long pid, String what) {
        return pin(withDescendants(pid, what), clientCpu, what);
    }

    /**
     * Pins every thread of this JVM to the clients' CPU; not its children (the local stack's servers may be among
     * them, and have their own CPU).
     */
    String pinThisJvm(String what) {
        return pin(List.of(ProcessHandle.current().pid()), clientCpu, what);
    }

    /**
     * Checks that every thread of {@code pid} still runs on the server's CPU only (threads started since inherit
     * it); a line for the report.
     */
    String requireServerPinned(long pid, String what) {
        if (!pins()) {
            return what + ": not pinned";
        }
        return String.format("%s (pid %d, %d threads) still pinned to CPU %d", what, pid,
                requirePinned(pid, serverCpu, what), serverCpu);
    }

    /**
     * {@code command} (starting with the {@code java} executable) run on the clients' CPU: under {@code taskset -c}
     * and with {@code -XX:ActiveProcessorCount}. Unchanged for {@link #NONE}.
     */
    List<String> launch(List<String> command) {
        if (!pins()) {
            return command;
        }
        List<String> pinned = new ArrayList<>(List.of("taskset", "-c", Integer.toString(clientCpu), command.get(0),
                "-XX:ActiveProcessorCount=" + visibleCpus));
        pinned.addAll(command.subList(1, command.size()));
        return pinned;
    }

    /** One line for a report: where each side ran. */
    String describe() {
        if (!pins()) {
            return "none (every process may run on every CPU)";
        }
        return String.format("Elasticsearch on CPU %d; the Kafka broker, the subscriber children (started with"
                + " -XX:ActiveProcessorCount=%d, as unpinned) and the bench JVM (the direct bulk client) on CPU %d",
                serverCpu, visibleCpus, clientCpu);
    }

    private static List<Long> withDescendants(long pid, String what) {
        if (pid <= 0) {
            throw new IllegalStateException("cannot pin " + what + ": its process id is unknown");
        }
        List<Long> family = new ArrayList<>(List.of(pid));
        ProcessHandle.of(pid).ifPresent(process -> process.descendants().forEach(d -> family.add(d.pid())));
        return family;
    }

    private String pin(List<Long> family, int cpu, String what) {
        if (!pins()) {
            return what + ": not pinned";
        }
        long pid = family.get(0);
        int threads = 0;
        for (long member : family) {
            taskset(what, "-a", "-p", "-c", Integer.toString(cpu), Long.toString(member));
            threads += requirePinned(member, cpu, what);
        }
        return String.format("%s (pid %d%s, %d threads) pinned to CPU %d", what, pid,
                family.size() > 1 ? " and " + (family.size() - 1) + " child processes" : "", threads, cpu);
    }

    /** Checks every thread of {@code pid} may run on {@code cpu} only; returns how many threads it has. */
    private static int requirePinned(long pid, int cpu, String what) {
        int threads = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                List<Integer> allowed = allowedCpus(task.resolve("status"));
                if (allowed.isEmpty()) {
                    continue; // the thread ended meanwhile
                }
                if (!allowed.equals(List.of(cpu))) {
                    throw new IllegalStateException("pinning " + what + " to CPU " + cpu + " did not hold: thread "
                            + task.getFileName() + " of pid " + pid + " may run on CPUs " + allowed);
                }
                threads++;
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the threads of " + what + " (pid " + pid + "): "
                    + e.getMessage(), e);
        }
        return threads;
    }

    private static void requireTaskset() {
        try {
            taskset("taskset", "--version");
        } catch (IllegalStateException e) {
            throw new IllegalStateException("CPU pinning needs taskset (util-linux: apt-get install util-linux),"
                    + " or run with --no-pin: " + e.getMessage(), e);
        }
    }

    private static void taskset(String what, String... arguments) {
        List<String> command = new ArrayList<>(List.of("taskset"));
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(TASKSET_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within "
                        + TASKSET_TIMEOUT_SECONDS + " s");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " (" + what + ") exited with status "
                        + process.exitValue() + ": " + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        }
    }

    private static List<Integer> allowedCpus(long pid) {
        List<Integer> allowed = allowedCpus(Path.of("/proc", Long.toString(pid), "status"));
        if (allowed.isEmpty()) {
            throw new IllegalStateException("cannot read the CPUs this process may use from /proc/" + pid
                    + "/status (CPU pinning works on Linux only; run with --no-pin)");
        }
        return allowed;
    }

    /** The {@code Cpus_allowed_list} of a {@code /proc} status file ({@code 0-1,4}), in order; empty if unreadable. */
    static List<Integer> allowedCpus(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    return parseCpuList(line.substring(line.indexOf(':') + 1).trim());
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        return List.of();
    }

    /** {@code 0-1,4} → [0, 1, 4]. */
    static List<Integer> parseCpuList(String text) {
        TreeSet<Integer> cpus = new TreeSet<>();
        for (String part : text.split(",")) {
            String range = part.trim();
            if (range.isEmpty()) {
                continue;
            }
            int dash = range.indexOf('-');
            int from = Integer.parseInt(dash < 0 ? range : range.substring(0, dash));
            int to = dash < 0 ? from : Integer.parseInt(range.substring(dash + 1));
            for (int cpu = from; cpu <= to; cpu++) {
                cpus.add(cpu);
            }
        }
        return List.copyOf(cpus);
    }
}
