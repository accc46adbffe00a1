package io.tributary.localstack;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts external commands with their output appended to a log file (never a pipe, so a daemon that inherits the
 * output cannot block us). Stateless and thread-safe.
 */
final class ProcessRunner {

    private ProcessRunner() {
    }

    /** Starts {@code command} in {@code workDir}, stdout and stderr appended to {@code log}. */
    static Process start(String what, List<String> command, Path workDir, Path log) {
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        try {
            return builder.start();
        } catch (IOException e) {
            throw new LocalStackException("could not " + what + ": cannot run " + command, e);
        }
    }

    /**
     * Runs {@code command} to completion. Throws, with the tail of {@code log}, when it exits non-zero or is still
     * running after {@code timeout} (it is then killed).
     */
    static void run(String what, List<String> command, Path workDir, Path log, Duration timeout) {
        Process process = start(what, command, workDir, log);
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new LocalStackException("could not " + what + ": " + command + " still running after "
                        + timeout.toSeconds() + " s" + LogTail.describe(log));
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new LocalStackException("interrupted while waiting to " + what, e);
        }
        if (process.exitValue() != 0) {
            throw new LocalStackException("could not " + what + ": " + command + " exited with "
                    + process.exitValue() + LogTail.describe(log));
        }
    }

    /** Runs {@code command} and tells whether it exited 0 within {@code timeout}; output goes to {@code log}. */
    static boolean succeeds(List<String> command, Path workDir, Path log, Duration timeout) {
        try {
            run("run " + command.get(0), command, workDir, log, timeout);
            return true;
        } catch (LocalStackException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw e;
            }
            return false;
        }
    }
}
