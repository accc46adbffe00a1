package io.tributary.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How a bench launches a jar as a child JVM: this JVM's {@code java}, the heap, a GC log, optionally a JFR
 * recording, the program's arguments, output appended to a log that starts with the command line, and no
 * {@code TRIBUTARY_*} variable of the caller's shell (the environment would override the configuration files).
 */
public final class ChildJvm {

    private ChildJvm() {
    }

    /**
     * A service: {@code --config config}, standard output and error both to {@code log}.
     *
     * @param jfr where to record a profile; null for none
     */
    static Process start(Path jar, String heap, Path config, Path log, Path gcLog, Path jfr) throws IOException {
        return start(jar, heap, config, log, gcLog, jfr, CpuPinning.NONE);
    }

    /**
     * A service as {@link #start(Path, String, Path, Path, Path, Path)}, on the clients' CPU of {@code pinning}.
     *
     * @param jfr where to record a profile; null for none
     */
    static Process start(Path jar, String heap, Path config, Path log, Path gcLog, Path jfr, CpuPinning pinning)
            throws IOException {
        List<String> command = command(jar, heap, gcLog, jfr);
        command.addAll(List.of("--config", config.toString()));
        command = pinning.launch(command);
        Files.writeString(log, String.join(" ", command) + "\n");
        return builder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
    }

    /**
     * A command-line tool: its own {@code arguments}; its standard output (what it reports) to {@code output}, its
     * standard error (progress, warnings) appended to {@code log}.
     *
     * @param jfr where to record a profile; null for none
     */
    public static Process startTool(Path jar, String heap, List<String> arguments, Path output, Path log, Path gcLog,
                             Path jfr) throws IOException {
        List<String> command = command(jar, heap, gcLog, jfr);
        command.addAll(arguments);
        Files.writeString(log, String.join(" ", command) + "\n");
        return builder(command).redirectOutput(output.toFile())
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    private static List<String> command(Path jar, String heap, Path gcLog, Path jfr) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "-Xlog:gc:file=" + gcLog + ":uptime"));
        if (jfr != null) {
            // A sample every millisecond: a drain of a few seconds still gives thousands of stacks.
            command.add("-XX:StartFlightRecording=filename=" + jfr + ",settings=profile,dumponexit=true,"
                    + "jdk.ExecutionSample#period=1ms");
            // Its startup lines go to standard output, which for a tool is the report it prints.
            command.add("-Xlog:jfr+startup=off");
        }
        command.addAll(List.of("-jar", jar.toString()));
        return command;
    }

    private static ProcessBuilder builder(List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(name -> name.startsWith("TRIBUTARY_"));
        return builder;
    }
}
