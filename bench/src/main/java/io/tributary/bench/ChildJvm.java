package io.tributary.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How a bench launches a service jar as a child JVM: this JVM's {@code java}, the heap, a GC log, optionally a JFR
 * recording, {@code --config}, output appended to a log that starts with the command line, and no
 * {@code TRIBUTARY_*} variable of the caller's shell (the environment would override the config file).
 */
final class ChildJvm {

    private ChildJvm() {
    }

    /** @param jfr where to record a profile; null for none */
    static Process start(Path jar, String heap, Path config, Path log, Path gcLog, Path jfr) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "-Xlog:gc:file=" + gcLog + ":uptime"));
        if (jfr != null) {
            command.add("-XX:StartFlightRecording=filename=" + jfr + ",settings=profile,dumponexit=true");
        }
        command.addAll(List.of("-jar", jar.toString(), "--config", config.toString()));
        Files.writeString(log, String.join(" ", command) + "\n");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().keySet().removeIf(name -> name.startsWith("TRIBUTARY_"));
        return builder.start();
    }
}
