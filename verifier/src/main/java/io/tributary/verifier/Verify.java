package io.tributary.verifier;

import io.tributary.config.InvalidConfigException;
import io.tributary.config.InvalidUsageException;
import io.tributary.documents.DocumentSpec;
import io.tributary.documents.DocumentSpecReader;
import io.tributary.model.TableId;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * {@code verify}: compares PostgreSQL tables with their Elasticsearch documents the way the pipeline writes them,
 * and joined document types with the join computed in PostgreSQL; with {@code --repair} sends change events through
 * Kafka that make the subscriber fix the tables' drift, and writes the joined documents that drifted. Exit status 0
 * when nothing drifted, 3 when something did, 1 when the verification could not be done, 2 for a usage mistake.
 */
@Command(name = "verify",
        description = {"Compares PostgreSQL tables with their Elasticsearch indices the way the pipeline writes them:"
                + " rows without a document (missing), documents without a row (extra), documents that differ from"
                + " their row (different). Joined document types (tributary.documents) likewise, each document"
                + " against the join computed in PostgreSQL.",
                "With --repair, sends change events to the producer's topic that make the subscriber re-index the"
                        + " missing and different rows and delete the extra documents; joined documents are written"
                        + " (or marked deleted) directly, at the version of the snapshot they were read at."},
        footer = {"", "Exit status: 0 no drift, 3 drift found (also after --repair without --wait), 1 failed"
                + " (a service unreachable, a table missing, a document type not matching the database), 2 usage"
                + " mistake."})
public final class Verify implements Callable<Integer> {

    static final int NO_DRIFT = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;
    static final int DRIFT = 3;

    private static final Duration RECHECK_INTERVAL = Duration.ofSeconds(2);

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--producer-config", required = true, paramLabel = "<file.conf>",
            description = "The producer's configuration: the database, its tables, numeric-mode, the topic and"
                    + " routing (TRIBUTARY_* environment variables apply as for the producer).")
    Path producerConfig;

    @Option(names = "--subscriber-config", required = true, paramLabel = "<file.conf>",
            description = "The subscriber's configuration: Elasticsearch, the table mappings (tributary.tables) and"
                    + " the joined document types (tributary.documents).")
    Path subscriberConfig;

    @Option(names = "--table", paramLabel = "<schema.table>",
            description = "A table to verify; repeatable (default: the producer's tables, unless --document is"
                    + " given).")
    List<String> tableNames = new ArrayList<>();

    @Option(names = "--document", paramLabel = "<name>",
            description = "A joined document type (tributary.documents of the subscriber) to verify; repeatable"
                    + " (default: every one configured, unless --table is given).")
    List<String> documentNames = new ArrayList<>();

    @Option(names = "--repair", description = "Fix the drift: change events through the pipeline for tables,"
            + " joined documents written directly.")
    boolean repair;

    @Option(names = "--wait", arity = "0..1", paramLabel = "<seconds>", fallbackValue = "120",
            description = "With --repair: verify again until the subscriber applied the repairs, at most this long"
                    + " (default when given without a value: ${FALLBACK-VALUE}).")
    Integer waitSeconds;

    @Option(names = "--max-report", paramLabel = "<n>", defaultValue = "10",
            description = "Keys listed per kind of drift and table or document type (default: ${DEFAULT-VALUE}).")
    int maxReport;

    @Option(names = "--chunk-size", paramLabel = "<n>", defaultValue = "1000",
            description = "Rows (or roots) read, and documents fetched, per request (default: ${DEFAULT-VALUE}).")
    int chunkSize;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    private final Map<String, String> environment;

    Verify(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    public static void main(String[] args) {
        System.exit(commandLine(System.getenv()).execute(args));
    }

    /** The command line with the tool's error handling; output goes to its {@code getOut()} and {@code getErr()}. */
    static CommandLine commandLine(Map<String, String> environment) {
        CommandLine commandLine = new CommandLine(new Verify(environment));
        commandLine.setExecutionExceptionHandler(Verify::reportFailure);
        return commandLine;
    }

    @Override
    public Integer call() throws InterruptedException {
        VerifySettings settings = settings();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Progress progress = new Progress(err, System.console() != null, System::nanoTime);
        VerificationReport report = Verification.run(settings, progress);
        print(out, report, settings);
        if (settings.repairWait().isPresent() && report.drift()) {
            Duration wait = settings.repairWait().get();
            err.println("verify: verifying again until the subscriber applied the repairs (at most "
                    + wait.toSeconds() + " s)");
            err.flush();
            long deadline = System.nanoTime() + wait.toNanos();
            VerifySettings again = settings.withoutRepair();
            do {
                Thread.sleep(RECHECK_INTERVAL.toMillis());
                report = Verification.run(again, progress);
            } while (report.drift() && System.nanoTime() < deadline);
            print(out, report, again);
        }
        return report.drift() ? DRIFT : NO_DRIFT;
    }

    private void print(PrintWriter out, VerificationReport report, VerifySettings settings) {
        out.print(json ? ReportFormat.json(report) : ReportFormat.text(report, settings.maxReport()));
        out.flush();
    }

    /** @throws InvalidUsageException when a configuration file or an option is invalid */
    VerifySettings settings() {
        ProducerConfigFile producer;
        SubscriberConfigFile subscriber;
        try {
            producer = ProducerConfigFile.load(producerConfig, environment);
        } catch (InvalidConfigException e) {
            throw new InvalidUsageException("--producer-config " + producerConfig + ": " + e.getMessage(), e);
        }
        try {
            subscriber = SubscriberConfigFile.load(subscriberConfig, environment);
        } catch (InvalidConfigException e) {
            throw new InvalidUsageException("--subscriber-config " + subscriberConfig + ": " + e.getMessage(), e);
        }
        List<TableId> tables = new ArrayList<>();
        for (String name : tableNames) {
            try {
                tables.add(TableId.parse(name));
            } catch (IllegalArgumentException e) {
                throw new InvalidUsageException("--table: " + e.getMessage(), e);
            }
        }
        if (waitSeconds != null && waitSeconds < 1) {
            throw new InvalidUsageException("--wait must be at least 1 second, got " + waitSeconds);
        }
        boolean chosen = !tables.isEmpty() || !documentNames.isEmpty();
        return new VerifySettings(producer, subscriber, chosen ? Optional.of(tables) : Optional.empty(),
                documents(subscriber, chosen), repair, Optional.ofNullable(waitSeconds).map(Duration::ofSeconds), maxReport,
                chunkSize);
    }

    /**
     * The joined document types to verify: those {@code --document} names, or every one configured when neither
     * {@code --document} nor {@code --table} chose what to verify.
     *
     * @throws InvalidUsageException when the configuration is invalid or names no such type
     */
    private List<DocumentSpec> documents(SubscriberConfigFile subscriber, boolean chosen) {
        List<DocumentSpec> configured = subscriber.documents().documents();
        if (!chosen) {
            return configured;
        }
        Map<String, DocumentSpec> byName = new LinkedHashMap<>();
        configured.forEach(spec -> byName.put(spec.name(), spec));
        List<DocumentSpec> documents = new ArrayList<>();
        for (String name : documentNames) {
            DocumentSpec spec = byName.get(name);
            if (spec == null) {
                throw new InvalidUsageException("--document " + name + ": " + subscriberConfig + " configures no such"
                        + " document type under " + DocumentSpecReader.KEY + " (it configures " + byName.keySet()
                        + ")");
            }
            documents.add(spec);
        }
        return documents;
    }

    private static int reportFailure(Exception failure, CommandLine command, ParseResult parseResult) {
        PrintWriter err = command.getErr();
        if (failure instanceof InvalidUsageException) {
            err.println("verify: " + failure.getMessage());
            err.println("Run 'verify --help' for usage.");
            return USAGE;
        }
        if (failure instanceof VerificationFailedException) {
            err.println("verify: " + failure.getMessage());
            return FAILED;
        }
        err.println("verify: unexpected failure: " + failure);
        failure.printStackTrace(err);
        return FAILED;
    }
}
