package io.tributary.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reading a benchmark's command-line options: each method checks one value and throws {@link IllegalArgumentException}
 * naming the option and what it got. Stateless.
 */
public final class OptionParsing {

    private OptionParsing() {
    }

    /** The value after {@code option}, taken off {@code rest}; throws when there is none. */
    public static String value(String option, List<String> rest) {
        if (rest.isEmpty() || rest.get(0).startsWith("--")) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return rest.remove(0);
    }

    /** {@code text} as a whole number ({@code _} allowed) from {@code min} to {@code max}; throws naming the option. */
    public static long number(String option, String text, long min, long max) {
        long value;
        try {
            value = Long.parseLong(text.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a whole number, got '" + text + "'", e);
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException(option + " must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    /** {@code text} when it is a {@code -Xmx} size such as 256m or 1g, or throws naming the option. */
    public static String heapSize(String option, String text) {
        if (!text.matches("[1-9][0-9]*[kmgKMG]")) {
            throw new IllegalArgumentException(option + " must look like 256m or 1g (as for -Xmx), got '" + text + "'");
        }
        return text;
    }

    /** Throws naming the option and the command that builds it unless {@code jar} (of {@code module}) exists. */
    public static void requireJar(String option, Path jar, String module) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException(option + ": " + jar.toAbsolutePath() + " does not exist (build it:"
                    + " mvn -B package -DskipTests -pl " + module + " -am)");
        }
    }
}
