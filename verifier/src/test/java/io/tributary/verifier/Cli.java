package io.tributary.verifier;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;

/** Runs the tool in-process and keeps what it wrote. */
record Cli(int status, String out, String err) {

    static Cli run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = Verify.commandLine(Map.of());
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int status = commandLine.execute(args);
        return new Cli(status, out.toString(), err.toString());
    }

    /** The tool with both services' configuration files, then {@code extra}. */
    static Cli withConfigs(Path producerConfig, Path subscriberConfig, String... extra) {
        String[] args = new String[4 + extra.length];
        args[0] = "--producer-config";
        args[1] = producerConfig.toString();
        args[2] = "--subscriber-config";
        args[3] = subscriberConfig.toString();
        System.arraycopy(extra, 0, args, 4, extra.length);
        return run(args);
    }

    @Override
    public String toString() {
        return "exit " + status + "\n--- out:\n" + out + "--- err:\n" + err;
    }
}
