package io.tributary.inspector;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.config.InvalidUsageException;
import io.tributary.model.ChangeEventJson;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What every subcommand does first: resolve the {@link TopicOptions}, then inspect, writing to the command's out. */
abstract class TopicCommand implements Callable<Integer> {

    @Mixin
    TopicOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() {
        TopicSettings settings = options.resolve(environment());
        PrintWriter out = spec.commandLine().getOut();
        inspect(settings, out);
        out.flush();
        return 0;
    }

    /**
     * @throws InvalidUsageException        for a usage mistake found only now (exit status 2)
     * @throws InspectionFailedException when Kafka cannot tell (exit status 1)
     */
    abstract void inspect(TopicSettings settings, PrintWriter out);

    /** The tool's environment, whether this command is one of the tool's or nested deeper (dead-letters list). */
    Map<String, String> environment() {
        return ((InspectTopic) spec.root().userObject()).environment();
    }

    boolean jsonOutput() {
        return options.json;
    }

    static void printJson(PrintWriter out, JsonNode node) {
        try {
            out.println(ChangeEventJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the report as JSON", e);
        }
    }
}
