package io.tributary.producer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Makes TCP connections on the loopback interface go silent, as if the machine at one end had vanished: packets to or
 * from the given local ports are sent to a traffic class of 8 bits per second (Linux {@code tc}, htb), where they
 * wait far longer than any timeout. Needs root and {@code tc}; {@link #of} is empty where they are missing (the
 * container here has no drop action, hence the starved class rather than a filter that drops).
 */
final class NetworkStall implements AutoCloseable {

    private NetworkStall() {
    }

    /** Stalls every packet to or from these loopback ports; empty when this machine cannot. */
    static Optional<NetworkStall> of(int... ports) throws InterruptedException {
        List<List<String>> commands = new ArrayList<>(List.of(
                List.of("tc", "qdisc", "add", "dev", "lo", "root", "handle", "1:", "htb", "default", "20"),
                List.of("tc", "class", "add", "dev", "lo", "parent", "1:", "classid", "1:20", "htb", "rate", "10gbit"),
                List.of("tc", "class", "add", "dev", "lo", "parent", "1:", "classid", "1:10", "htb", "rate", "8bit",
                        "ceil", "8bit")));
        for (int port : ports) {
            for (String direction : List.of("sport", "dport")) {
                commands.add(List.of("tc", "filter", "add", "dev", "lo", "parent", "1:", "protocol", "ip", "prio", "1",
                        "u32", "match", "ip", direction, Integer.toString(port), "0xffff", "flowid", "1:10"));
            }
        }
        for (List<String> command : commands) {
            if (!run(command)) {
                run(List.of("tc", "qdisc", "del", "dev", "lo", "root"));
                return Optional.empty();
            }
        }
        return Optional.of(new NetworkStall());
    }

    @Override
    public void close() throws InterruptedException {
        run(List.of("tc", "qdisc", "del", "dev", "lo", "root"));
    }

    private static boolean run(List<String> command) throws InterruptedException {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
