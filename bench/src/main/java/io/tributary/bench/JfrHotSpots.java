package io.tributary.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a JFR recording of the producer spent its CPU: execution samples per thread, the hottest methods (the
 * sampled top frame), the share of samples inside each of the producer's own methods (anywhere on the stack), the
 * share below each call the producer's code makes into other code (its innermost {@code io.tributary} frame and the
 * callee: "which library call costs what"), and the most allocated classes. Also runnable on its own: {@code JfrHotSpots <recording.jfr> [top]}.
 */
final class JfrHotSpots {

    private JfrHotSpots() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: JfrHotSpots <recording.jfr> [top]");
            System.exit(2);
        }
        System.out.print(summarize(Path.of(args[0]), args.length > 1 ? Integer.parseInt(args[1]) : 20));
    }

    static String summarize(Path recording, int top) throws IOException {
        Map<String, Long> threads = new HashMap<>();
        Map<String, Long> selfMethods = new HashMap<>();
        Map<String, Long> ownMethodsOnStack = new HashMap<>();
        Map<String, Long> outgoingCalls = new HashMap<>();
        Map<String, Long> allocatedBytes = new HashMap<>();
        long samples = 0;
        double gcSeconds = 0;
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                RecordedEvent event = file.readEvent();
                switch (event.getEventType().getName()) {
                    case "jdk.ExecutionSample" -> {
                        samples++;
                        threads.merge(event.getThread("sampledThread").getJavaName(), 1L, Long::sum);
                        RecordedStackTrace stack = event.getStackTrace();
                        if (stack == null || stack.getFrames().isEmpty()) {
                            continue;
                        }
                        selfMethods.merge(name(stack.getFrames().get(0)), 1L, Long::sum);
                        outgoingCalls.merge(outgoingCall(stack.getFrames()), 1L, Long::sum);
                        Set<String> seen = new HashSet<>();
                        for (RecordedFrame frame : stack.getFrames()) {
                            String method = name(frame);
                            if (method.startsWith("io.tributary.") && seen.add(method)) {
                                ownMethodsOnStack.merge(method, 1L, Long::sum);
                            }
                        }
                    }
                    case "jdk.ObjectAllocationSample" -> allocatedBytes.merge(
                            event.getClass("objectClass").getName(), event.getLong("weight"), Long::sum);
                    case "jdk.GarbageCollection" -> gcSeconds += event.getDuration().toNanos() / 1e9;
                    default -> {
                    }
                }
            }
        }
        StringBuilder out = new StringBuilder();
        out.append(String.format("JFR %s: %d execution samples, GC %.1f s%n", recording, samples, gcSeconds));
        section(out, "samples by thread", threads, samples, top);
        section(out, "hottest methods (top frame)", selfMethods, samples, top);
        section(out, "io.tributary methods on the stack (inclusive)", ownMethodsOnStack, samples, top);
        section(out, "innermost io.tributary frame -> the call it made (inclusive)", outgoingCalls, samples, top);
        long allocated = allocatedBytes.values().stream().mapToLong(Long::longValue).sum();
        out.append(String.format("most allocated classes (of ~%d MB sampled):%n", allocated >> 20));
        for (Map.Entry<String, Long> entry : largest(allocatedBytes, 10)) {
            out.append(String.format("  %6d MB  %s%n", entry.getValue() >> 20, entry.getKey()));
        }
        return out.toString();
    }

    private static void section(StringBuilder out, String title, Map<String, Long> counts, long total, int top) {
        out.append(title).append(":\n");
        for (Map.Entry<String, Long> entry : largest(counts, top)) {
            out.append(String.format("  %5.1f%%  %s%n", 100.0 * entry.getValue() / Math.max(1, total),
                    entry.getKey()));
        }
    }

    private static List<Map.Entry<String, Long>> largest(Map<String, Long> counts, int top) {
        List<Map.Entry<String, Long>> entries = new ArrayList<>(counts.entrySet());
        entries.sort(Map.Entry.<String, Long>comparingByValue().reversed());
        return entries.subList(0, Math.min(top, entries.size()));
    }

    /** "ourMethod -> callee" for the innermost io.tributary frame; "ourMethod (self)" when it is the top frame. */
    private static String outgoingCall(List<RecordedFrame> frames) {
        for (int i = 0; i < frames.size(); i++) {
            String method = name(frames.get(i));
            if (method.startsWith("io.tributary.")) {
                return i == 0 ? method + " (self)" : method + " -> " + name(frames.get(i - 1));
            }
        }
        return "(no io.tributary frame)";
    }

    private static String name(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }
}
