package io.tributary.inspector;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import picocli.CommandLine;

/** Runs the tool in-process and keeps what it wrote. Public for pipeline-tests (through this module's test jar). */
public record Cli(int status, String out, String err) {

    public static Cli run(Map<String, String> environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = InspectTopic.commandLine(environment);
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int status = commandLine.execute(args);
        return new Cli(status, out.toString(), err.toString());
    }

    public static Cli run(String... args) {
        return run(Map.of(), args);
    }

    @Override
    public String toString() {
        return "exit " + status + "\n--- out:\n" + out + "--- err:\n" + err;
    }
}
