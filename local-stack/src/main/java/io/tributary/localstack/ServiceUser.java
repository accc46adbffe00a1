package io.tributary.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operating-system user that runs PostgreSQL and Elasticsearch, which both refuse to run as root.
 *
 * <p>When this JVM runs as root, commands run as {@code name} through {@code runuser -u name --} and the directories
 * they write must be {@linkplain #own owned} by that user; otherwise everything runs as the current user and
 * {@code switchesUser} is false. Immutable and thread-safe.
 *
 * @param name the user the services run as
 * @param switchesUser whether commands are wrapped in {@code runuser} (this JVM is root)
 */
record ServiceUser(String name, boolean switchesUser) {

    /** Environment variable naming the unprivileged user to run services as when root; default {@value #DEFAULT}. */
    static final String USER_VARIABLE = "TRIBUTARY_STACK_USER";
    static final String DEFAULT = "tributary";

    private static final Logger LOG = LoggerFactory.getLogger(ServiceUser.class);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

    /**
     * The user for this JVM: the current user when not root; when root, {@code $TRIBUTARY_STACK_USER} or
     * {@value #DEFAULT}, created as a system user if it does not exist yet. {@code logDir} receives the output of
     * the commands this runs.
     */
    static ServiceUser detect(Path logDir) {
        if (!runningAsRoot()) {
            return new ServiceUser(System.getProperty("user.name"), false);
        }
        String name = System.getenv().getOrDefault(USER_VARIABLE, DEFAULT);
        Path log = logDir.resolve("service-user.log");
        if (!ProcessRunner.succeeds(List.of("id", "-u", name), logDir, log, COMMAND_TIMEOUT)) {
            boolean created = ProcessRunner.succeeds(
                    List.of("useradd", "-r", "-M", "-s", "/usr/sbin/nologin", name), logDir, log, COMMAND_TIMEOUT);
            if (created) {
                LOG.info("Created system user '{}' to run PostgreSQL and Elasticsearch (this JVM runs as root)", name);
            } else if (!ProcessRunner.succeeds(List.of("id", "-u", name), logDir, log, COMMAND_TIMEOUT)) {
                throw new LocalStackException("running as root, and could not create the user '" + name
                        + "' that PostgreSQL and Elasticsearch must run as (set " + USER_VARIABLE
                        + " to an existing unprivileged user)" + LogTail.describe(log));
            }
        }
        return new ServiceUser(name, true);
    }

    static boolean runningAsRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /** {@code command} run as this user with {@code environment} set (through {@code env}). */
    List<String> command(Map<String, String> environment, List<String> command) {
        List<String> full = new ArrayList<>();
        if (switchesUser) {
            full.addAll(List.of("runuser", "-u", name, "--"));
        }
        if (!environment.isEmpty()) {
            full.add("env");
            environment.forEach((key, value) -> full.add(key + "=" + value));
        }
        full.addAll(command);
        return full;
    }

    List<String> command(List<String> command) {
        return command(Map.of(), command);
    }

    /** Makes this user the owner of {@code path} and everything below it (nothing to do when not switching). */
    void own(Path path) {
        if (switchesUser) {
            Path log = logFileBeside(path);
            ProcessRunner.run("give " + path + " to user " + name,
                    List.of("chown", "-R", name + ":", path.toString()), path.getParent(), log, COMMAND_TIMEOUT);
        }
    }

    /** Whether this user can create files in {@code dir} (which needs every parent to be traversable). */
    boolean canWrite(Path dir) {
        if (!switchesUser) {
            return Files.isWritable(dir);
        }
        return ProcessRunner.succeeds(command(List.of("test", "-w", dir.toString())), dir.getParent(),
                logFileBeside(dir), COMMAND_TIMEOUT);
    }

    private static Path logFileBeside(Path path) {
        Path log = path.toAbsolutePath().getParent().resolve("service-user.log");
        try {
            Files.createDirectories(log.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return log;
    }
}
