package io.tributary.bench;

import io.tributary.localstack.RunningElasticsearch;
import io.tributary.localstack.RunningKafka;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the local-stack servers' processes in Linux's {@code /proc}, so their CPU time can be measured. A process
 * that cannot be found is 0 ("unknown"), and its CPU figures stay 0.
 */
final class ServerProcesses {

    private ServerProcesses() {
    }

    /** The broker's JVM: the process running {@code kafka.Kafka} with this broker's files; 0 if unknown. */
    static long kafkaPid(RunningKafka kafka) {
        String brokerDirectory = kafka.logFile().getParent().toString();
        for (long pid : allPids()) {
            String commandLine = commandLine(pid);
            if (commandLine.contains("kafka.Kafka") && commandLine.contains(brokerDirectory)) {
                return pid;
            }
        }
        return 0;
    }

    /** The node's process, from the pid file local-stack has it write next to its logs directory; 0 if unknown. */
    static long elasticsearchPid(RunningElasticsearch elasticsearch) {
        Path pidFile = elasticsearch.logFile().getParent().resolveSibling("elasticsearch.pid");
        try {
            return Long.parseLong(Files.readString(pidFile).trim());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /** The postmaster: the parent of the backend serving {@code connection}; 0 if unknown. */
    static long postmasterPid(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT pg_backend_pid()")) {
            result.next();
            return parentPid(result.getLong(1));
        }
    }

    /** {@code root} and the processes whose parent it is, as they are now (the postmaster and its backends). */
    static List<Long> withChildren(long root) {
        List<Long> family = new ArrayList<>();
        if (root <= 0) {
            return family;
        }
        family.add(root);
        for (long pid : allPids()) {
            if (parentPid(pid) == root) {
                family.add(pid);
            }
        }
        return family;
    }

    /** The parent of {@code pid} (field 4 of proc(5) stat); 0 when the process is gone. */
    static long parentPid(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Fields after the command name (which may hold spaces) start with the state, field 3.
            return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static List<Long> allPids() {
        List<Long> pids = new ArrayList<>();
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path process : processes) {
                pids.add(Long.parseLong(process.getFileName().toString()));
            }
        } catch (IOException e) {
            return pids;
        }
        return pids;
    }

    private static String commandLine(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
                    StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException e) {
            return ""; // the process ended meanwhile
        }
    }
}
