package io.tributary.bench;

import java.util.List;
import java.util.function.Function;

/**
 * How each benchmark runs as a command: {@code --help} prints the usage; a bad option exits 2 with the usage; a
 * failed run exits 1; a measured run exits 0, whether or not it met its target (the exit also stops the local
 * stack through its shutdown hook).
 */
public final class BenchLauncher {

    /** A benchmark's run, given its parsed options. */
    @FunctionalInterface
    public interface Run<O> {
        void run(O options) throws Exception;
    }

    private BenchLauncher() {
    }

    public static <O> void launch(String name, String usage, String[] args, Function<String[], O> parse, Run<O> run) {
        if (List.of(args).contains("--help")) {
            System.out.println(usage);
            return;
        }
        O options;
        try {
            options = parse.apply(args);
        } catch (IllegalArgumentException e) {
            System.err.println(name + ": " + e.getMessage() + "\n" + usage);
            System.exit(2);
            return;
        }
        try {
            run.run(options);
        } catch (Exception e) {
            System.err.println(name + " failed: " + e.getMessage());
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }
}
