package io.tributary.producer.snapshot;

import io.tributary.config.InvalidConfigException;
import io.tributary.model.TableId;
import io.tributary.producer.ProducerSettings;
import io.tributary.shaping.source.TableSelection;
import io.tributary.producer.snapshot.TableSnapshotLedger.Entry;
import io.tributary.producer.snapshot.TableSnapshotLedger.Status;
import io.tributary.producer.snapshot.TableSnapshotLedger;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code scripts/snapshot.sh}: the operator's side of incremental snapshots, with the producer's own configuration
 * file (the database, slot and tables are read from it).
 *
 * <pre>
 *   snapshot.sh --producer-config producer.conf request schema.table [schema.table ...] | --all
 *   snapshot.sh --producer-config producer.conf status [--follow]
 * </pre>
 *
 * {@code request} records a pending snapshot of each table in {@link TableSnapshotLedger}; the running producer
 * picks it up within seconds and reads the table while it streams. {@code status} shows every table of the slot with
 * a progress bar; {@code --follow} refreshes it until nothing is pending. Exit status: 0 done, 1 a failure (database
 * unreachable, a failed table under {@code status}), 2 a usage or configuration mistake.
 */
public final class SnapshotCommand {

    private static final long FOLLOW_INTERVAL_MILLIS = 2_000;
    private static final int BAR_WIDTH = 30;

    private final ProducerSettings settings;
    private final TableSnapshotLedger ledger;
    private final PrintStream out;

    SnapshotCommand(ProducerSettings settings, PrintStream out) {
        this.settings = settings;
        this.ledger = new TableSnapshotLedger(settings.source().endpoint());
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command; returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> rest = new ArrayList<>(List.of(args));
        Path config = null;
        int configAt = rest.indexOf("--producer-config");
        if (configAt >= 0 && configAt + 1 < rest.size()) {
            config = Path.of(rest.get(configAt + 1));
            rest.subList(configAt, configAt + 2).clear();
        }
        if (config == null || rest.isEmpty() || rest.contains("--help")) {
            err.println("usage: snapshot.sh --producer-config producer.conf request (schema.table ... | --all)\n"
                    + "       snapshot.sh --producer-config producer.conf status [--follow]");
            return rest.contains("--help") && config != null ? 0 : 2;
        }
        ProducerSettings settings;
        try {
            settings = ProducerSettings.load(config, System.getenv());
        } catch (InvalidConfigException e) {
            err.println("snapshot: " + e.getMessage());
            return 2;
        }
        SnapshotCommand command = new SnapshotCommand(settings, out);
        String verb = rest.remove(0);
        try {
            return switch (verb) {
                case "request" -> command.request(rest, err);
                case "status" -> command.status(rest.contains("--follow"));
                default -> {
                    err.println("snapshot: unknown command '" + verb + "' (request or status)");
                    yield 2;
                }
            };
        } catch (SQLException e) {
            err.println("snapshot: PostgreSQL at " + settings.source().endpoint().url() + " answered: "
                    + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private int request(List<String> names, PrintStream err) throws SQLException {
        List<TableId> streamed = streamedTables();
        List<TableId> wanted;
        if (names.equals(List.of("--all"))) {
            wanted = streamed;
        } else if (names.isEmpty() || names.contains("--all")) {
            err.println("snapshot: request names tables (schema.table ...) or --all, not both");
            return 2;
        } else {
            Set<TableId> chosen = new LinkedHashSet<>();
            for (String name : names) {
                TableId table = TableId.parse(name);
                if (!streamed.contains(table)) {
                    err.println("snapshot: " + table + " is not one of the tables slot " + settings.source().slot().name()
                            + " streams (tributary.postgres.tables resolves to " + streamed + ")");
                    return 2;
                }
                chosen.add(table);
            }
            wanted = List.copyOf(chosen);
        }
        List<TableId> requested = ledger.request(settings.source().slot().name(), wanted, "operator request");
        out.println("requested an incremental snapshot of " + requested + " for slot " + settings.source().slot().name()
                + "; the producer starts it within seconds while it streams. Follow it with: scripts/snapshot.sh"
                + " --producer-config <file> status --follow");
        return 0;
    }

    private int status(boolean follow) throws SQLException, InterruptedException {
        while (true) {
            List<Entry> entries = ledger.entries(settings.source().slot().name());
            print(entries);
            boolean working = entries.stream().anyMatch(e -> e.status() == Status.PENDING
                    || e.status() == Status.RUNNING);
            if (!follow || !working) {
                return entries.stream().anyMatch(e -> e.status() == Status.FAILED) ? 1 : 0;
            }
            Thread.sleep(FOLLOW_INTERVAL_MILLIS);
            out.println();
        }
    }

    private void print(List<Entry> entries) {
        if (entries.isEmpty()) {
            out.println("slot " + settings.source().slot().name() + ": no table recorded yet (the producer records its tables"
                    + " when it starts streaming)");
            return;
        }
        out.println("slot " + settings.source().slot().name() + ":");
        for (Entry entry : entries) {
            out.println("  " + StatusLine.of(entry, BAR_WIDTH));
        }
    }

    private List<TableId> streamedTables() throws SQLException {
        try (Connection connection = settings.source().endpoint().openQueryConnection()) {
            return TableSelection.resolve(connection, settings.source().tables().stream()
                    .map(TableId::toString).toList());
        }
    }

    /** One table's line of the status: name, status, progress bar, reason, error. */
    static final class StatusLine {

        private StatusLine() {
        }

        static String of(Entry entry, int width) {
            String status = entry.status().name().toLowerCase(Locale.ROOT);
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-32s %-8s", entry.table(), status));
            if (entry.status() == Status.RUNNING || entry.status() == Status.DONE) {
                long total = entry.status() == Status.DONE ? entry.rows() : entry.estimatedRows();
                line.append(' ').append(bar(entry.rows(), total, width));
                line.append(String.format(Locale.ROOT, " %,d", entry.rows()));
                if (total > 0 && entry.status() == Status.RUNNING) {
                    line.append(String.format(Locale.ROOT, " of ~%,d", total));
                }
                line.append(" rows");
            }
            line.append("  (").append(entry.reason()).append(')');
            if (entry.error() != null) {
                line.append("  error: ").append(entry.error());
            }
            return line.toString();
        }

        /** {@code [#########---------]  45%}; a full bar when the total is unknown or exceeded. */
        static String bar(long done, long total, int width) {
            double fraction = total <= 0 ? 1 : Math.min(1, (double) done / total);
            int filled = (int) Math.round(fraction * width);
            return "[" + "#".repeat(filled) + "-".repeat(width - filled) + "] "
                    + String.format(Locale.ROOT, "%3d%%", Math.round(fraction * 100));
        }
    }
}
