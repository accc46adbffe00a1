package io.tributary.inspector;

import io.tributary.config.InvalidConfigException;
import io.tributary.config.InvalidUsageException;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * {@code inspect-topic}: looks into Tributary's change topic. Exit status 0 when the inspection was done, 1 when it
 * could not be (Kafka unreachable, topic or group missing), 2 for a usage mistake.
 */
@Command(name = "inspect-topic",
        description = "Looks into Tributary's change topic: what its partitions hold, the latest events, a consumer"
                + " group's lag, where a table is routed; lists and re-sends the subscriber's dead letters.",
        subcommands = {PartitionsCommand.class, TailCommand.class, LagCommand.class, RouteCommand.class,
                DeadLettersCommand.class},
        footer = {"", "Run 'inspect-topic <command> --help' for a command's options.",
                "Exit status: 0 done, 1 failed (Kafka unreachable, topic or group missing), 2 usage mistake."})
public final class InspectTopic implements Callable<Integer> {

    static final int FAILED = 1;
    static final int USAGE = 2;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Spec
    CommandSpec spec;

    private final Map<String, String> environment;

    InspectTopic(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    Map<String, String> environment() {
        return environment;
    }

    public static void main(String[] args) {
        System.exit(commandLine(System.getenv()).execute(args));
    }

    /** The command line with the tool's error handling; output goes to its {@code getOut()} and {@code getErr()}. */
    static CommandLine commandLine(Map<String, String> environment) {
        CommandLine commandLine = new CommandLine(new InspectTopic(environment));
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setExecutionExceptionHandler(InspectTopic::reportFailure);
        DeadLettersCommand.withoutRoutingOptions(commandLine.getSubcommands().get("dead-letters"));
        return commandLine;
    }

    /** Without a command: the usage, and the status of a usage mistake. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return USAGE;
    }

    private static int reportFailure(Exception failure, CommandLine command, ParseResult parseResult) {
        PrintWriter err = command.getErr();
        String name = command.getCommandSpec().qualifiedName();
        if (failure instanceof InvalidUsageException || failure instanceof InvalidConfigException) {
            err.println(name + ": " + failure.getMessage());
            err.println("Run '" + name + " --help' for usage.");
            return USAGE;
        }
        if (failure instanceof InspectionFailedException) {
            err.println(name + ": " + failure.getMessage());
            return FAILED;
        }
        err.println(name + ": unexpected failure: " + failure);
        failure.printStackTrace(err);
        return FAILED;
    }
}
