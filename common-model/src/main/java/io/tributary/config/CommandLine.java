package io.tributary.config;

import java.nio.file.Path;

/**
 * The command line both services take: {@code --config <file.conf>} (optional: without it the service runs on its
 * defaults and environment variables).
 *
 * @param configFile the HOCON file, or null
 */
public record CommandLine(Path configFile) {

    public static final String USAGE = "usage: java -jar <service>.jar [--config <file.conf>]";

    /** @throws InvalidConfigException with the usage line, for anything else on the command line */
    public static CommandLine parse(String... args) {
        Path configFile = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--config") && i + 1 < args.length) {
                configFile = Path.of(args[++i]);
            } else if (arg.startsWith("--config=")) {
                configFile = Path.of(arg.substring("--config=".length()));
            } else {
                throw new InvalidConfigException("unexpected argument '" + arg + "'; " + USAGE);
            }
        }
        return new CommandLine(configFile);
    }
}
