package io.tributary.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One G1 pause of a child JVM's {@code -Xlog:gc:…:uptime} log.
 *
 * @param uptimeSeconds when it happened, in seconds since the JVM started
 * @param kind          what G1 calls it, e.g. {@code Young (Normal) (G1 Evacuation Pause)}, {@code Remark},
 *                      {@code Full (G1 Compaction Pause)}
 * @param beforeBytes   the heap in use when the pause began: the largest of them is the most heap the process used
 * @param afterBytes    the heap the pause left: the memory the process actually retained then (after a young
 *                      pause this includes old garbage not collected yet; after a full one it is the live set)
 * @param millis        how long it paused the application
 */
record GcPause(double uptimeSeconds, String kind, long beforeBytes, long afterBytes, double millis) {

    /** {@code [12.345s] GC(7) Pause Young (Normal) (…) 120M->9M(256M) 3.210ms}. */
    static final Pattern LINE =
            Pattern.compile("^\\[(\\d+\\.\\d+)s\\] GC\\(\\d+\\) Pause (.*) (\\d+)M->(\\d+)M\\(\\d+M\\) (\\d+\\.\\d+)ms$");

    /** Every pause of the log, in order; other lines (e.g. concurrent cycles) are skipped. */
    static List<GcPause> read(Path gcLog) throws IOException {
        List<GcPause> pauses = new ArrayList<>();
        for (String line : Files.readAllLines(gcLog)) {
            Matcher pause = LINE.matcher(line);
            if (pause.matches()) {
                pauses.add(new GcPause(Double.parseDouble(pause.group(1)), pause.group(2),
                        Long.parseLong(pause.group(3)) << 20, Long.parseLong(pause.group(4)) << 20,
                        Double.parseDouble(pause.group(5))));
            }
        }
        return pauses;
    }

    /** A full collection: it compacts the whole heap, so what it leaves is the live set. */
    boolean full() {
        return kind.startsWith("Full");
    }
}
