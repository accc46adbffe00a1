package io.tributary.inspector;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dead-letters}: the subscriber's dead-letter topic, listed ({@code list}) or sent back ({@code resend}). */
@Command(name = "dead-letters",
        description = {"The records the subscriber could never apply: list them with why, where from and what row;"
                + " once the cause is fixed, send chosen ones back to the change topic they came from.",
                "scripts/dead-letters.sh runs this command."},
        subcommands = {ListDeadLettersCommand.class, ResendDeadLettersCommand.class},
        footer = {"", "Run 'dead-letters <command> --help' for a command's options."})
final class DeadLettersCommand implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Spec
    CommandSpec spec;

    /**
     * Takes the producer's routing options ({@code --partitions}, {@code --partition-by}, {@code --pin}), which
     * every command shares through {@link TopicOptions}, off the dead-letter commands: a letter is sent back to the
     * partition it came from, never routed again.
     */
    static void withoutRoutingOptions(CommandLine deadLetters) {
        for (CommandLine command : deadLetters.getSubcommands().values()) {
            CommandSpec spec = command.getCommandSpec();
            for (String name : List.of("--partitions", "--partition-by", "--pin")) {
                OptionSpec option = spec.findOption(name);
                if (option != null) {
                    spec.remove(option);
                }
            }
        }
    }

    /** Without a command: the usage, and the status of a usage mistake. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return InspectTopic.USAGE;
    }
}
