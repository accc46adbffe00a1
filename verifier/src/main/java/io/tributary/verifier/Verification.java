package io.tributary.verifier;

import io.tributary.config.InvalidConfigException;
import io.tributary.documents.CatalogTable;
import io.tributary.documents.DocumentChecks;
import io.tributary.documents.DocumentSpec;
import io.tributary.documents.DocumentTree;
import io.tributary.documents.SourceCatalog;
import io.tributary.documents.SourceSession;
import io.tributary.model.TableId;
import io.tributary.producer.replication.PostgresEndpoint;
import io.tributary.producer.replication.TypeCatalogLoader;
import io.tributary.shaping.PgTypes;
import io.tributary.shaping.ValueConverter;
import io.tributary.subscriber.SubscriberSettings;
import io.tributary.subscriber.mapping.TableMapping;
import io.tributary.subscriber.mapping.TableMappings;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One verification of every table and joined document type: opens PostgreSQL, Elasticsearch and (with repairs of
 * tables) Kafka, verifies the tables one after another with a {@link TableVerifier}, then the document types with a
 * {@link DocumentVerifier}, and with repairs waits until Kafka acknowledged every repair event.
 */
final class Verification {

    private static final String APPLICATION_NAME = "tributary-verifier";

    private Verification() {
    }

    /**
     * @throws VerificationFailedException when a service cannot be reached, a table does not exist, a document type
     *                                     does not match the database, or Kafka refused a repair event
     */
    static VerificationReport run(VerifySettings settings, Progress progress) {
        return run(settings, progress, () -> { });
    }

    /**
     * As {@link #run(VerifySettings, Progress)}, running {@code betweenRowsAndDocuments} after each chunk of rows is
     * read and before its documents are: the seam through which tests change a row in between.
     */
    static VerificationReport run(VerifySettings settings, Progress progress, Runnable betweenRowsAndDocuments) {
        SubscriberSettings subscriber = settings.subscriber();
        try (SourceDatabase database = SourceDatabase.open(settings.producer().source().endpoint());
             ElasticsearchDocuments documents = new ElasticsearchDocuments(subscriber.elasticsearch(),
                     subscriber.engine());
             RepairSession repairs = new RepairSession(settings)) {
            PgTypes types = new TypeCatalogLoader(database.endpoint()).loadTypes();
            ValueConverter values = new ValueConverter(types, settings.producer().source().numericMode());
            TableVerifier verifier = new TableVerifier(database, types, values, documents, repairs.publisher(),
                    progress, settings, betweenRowsAndDocuments);
            TableMappings mappings = new TableMappings(subscriber.tables());
            List<TableReport> reports = new ArrayList<>();
            for (TableId table : tables(settings, database)) {
                TableMapping mapping;
                try {
                    mapping = mappings.forTable(table);
                } catch (IllegalArgumentException e) {
                    reports.add(TableReport.skipped(table, "-", e.getMessage()));
                    continue;
                }
                reports.add(verifier.verify(database.shape(table), mapping));
            }
            repairs.publisher().ifPresent(RepairPublisher::flush);
            if (!settings.documents().isEmpty()) {
                reports.addAll(verifyDocuments(settings, database, types, values, documents, progress));
            }
            return new VerificationReport(reports, settings.repair());
        } catch (SQLException e) {
            throw new VerificationFailedException("PostgreSQL at " + settings.producer().source().endpoint()
                    + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * The document types, read from the producer's database (the primary, which the documents must match) in a
     * session of their own: its reads are REPEATABLE READ transactions.
     */
    private static List<TableReport> verifyDocuments(VerifySettings settings, SourceDatabase database, PgTypes types,
                                                     ValueConverter values, ElasticsearchDocuments documents,
                                                     Progress progress) throws SQLException {
        PostgresEndpoint endpoint = settings.producer().source().endpoint();
        DocumentChecks checks = new DocumentChecks(table -> catalogTable(database, table),
                settings.producer().source().slot().publication(), Optional.empty());
        Optional<DocumentRepairs> repairs = settings.repair()
                ? Optional.of(new DocumentRepairs(documents, Clock.systemUTC())) : Optional.empty();
        List<TableReport> reports = new ArrayList<>();
        try (SourceSession session = SourceSession.open(endpoint.url(), endpoint.user(), endpoint.password().reveal(),
                endpoint.tls(), APPLICATION_NAME)) {
            DocumentVerifier verifier = new DocumentVerifier(database, session, types, values, documents, repairs,
                    progress, settings);
            for (DocumentSpec spec : settings.documents()) {
                DocumentTree tree;
                try {
                    tree = checks.check(spec);
                } catch (InvalidConfigException e) {
                    throw new VerificationFailedException("document " + spec.name() + " cannot be verified against"
                            + " the database at " + endpoint + ": " + e.getMessage(), e);
                }
                reports.add(verifier.verify(tree));
            }
        }
        return reports;
    }

    private static Optional<CatalogTable> catalogTable(SourceDatabase database, TableId table) {
        try {
            return SourceCatalog.table(database.connection(), table);
        } catch (SQLException e) {
            throw new VerificationFailedException("PostgreSQL at " + database.endpoint() + " failed reading the"
                    + " catalog of " + table + ": " + e.getMessage(), e);
        }
    }

    private static List<TableId> tables(VerifySettings settings, SourceDatabase database) throws SQLException {
        return settings.tables().isPresent() ? settings.tables().get()
                : database.resolve(settings.producer().source().tables());
    }

    /** The Kafka producer of the repairs when repairing tables; nothing otherwise. */
    private static final class RepairSession implements AutoCloseable {

        private final Optional<RepairPublisher> publisher;

        RepairSession(VerifySettings settings) {
            boolean repairsTables = settings.repair() && settings.tables().map(tables -> !tables.isEmpty())
                    .orElse(true);
            this.publisher = repairsTables ? Optional.of(new RepairPublisher(settings.producer().target()))
                    : Optional.empty();
        }

        Optional<RepairPublisher> publisher() {
            return publisher;
        }

        @Override
        public void close() {
            publisher.ifPresent(RepairPublisher::close);
        }
    }
}
