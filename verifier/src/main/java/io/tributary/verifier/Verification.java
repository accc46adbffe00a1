package io.tributary.verifier;

import io.tributary.model.TableId;
import io.tributary.producer.replication.TypeCatalogLoader;
import io.tributary.shaping.PgTypes;
import io.tributary.shaping.ValueConverter;
import io.tributary.subscriber.SubscriberSettings;
import io.tributary.subscriber.mapping.TableMapping;
import io.tributary.subscriber.mapping.TableMappings;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One verification of every table: opens PostgreSQL, Elasticsearch and (with repairs) Kafka, verifies the tables one
 * after another with a {@link TableVerifier}, and with repairs waits until Kafka acknowledged every repair event.
 */
final class Verification {

    private Verification() {
    }

    /**
     * @throws VerificationFailedException when a service cannot be reached, a table does not exist, or Kafka refused
     *                                     a repair event
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
             ElasticsearchDocuments documents = new ElasticsearchDocuments(subscriber.elasticsearchUrls(),
                     subscriber.elasticsearchUsername(), subscriber.elasticsearchPassword());
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
            return new VerificationReport(reports, settings.repair());
        } catch (SQLException e) {
            throw new VerificationFailedException("PostgreSQL at " + settings.producer().source().endpoint()
                    + " failed: " + e.getMessage(), e);
        }
    }

    private static List<TableId> tables(VerifySettings settings, SourceDatabase database) throws SQLException {
        return settings.tables().isEmpty() ? database.resolve(settings.producer().source().tables())
                : settings.tables();
    }

    /** The Kafka producer of the repairs when repairing; nothing otherwise. */
    private static final class RepairSession implements AutoCloseable {

        private final Optional<RepairPublisher> publisher;

        RepairSession(VerifySettings settings) {
            this.publisher = settings.repair() ? Optional.of(new RepairPublisher(settings.producer().target()))
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
