package io.tributary.verifier;

import io.tributary.config.InvalidUsageException;
import io.tributary.documents.DocumentSpec;
import io.tributary.model.TableId;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one run of the verifier works with, resolved once from the command line and the two services' configuration
 * files (read exactly as the services read them, {@code TRIBUTARY_*} environment variables included).
 *
 * @param producer   from the producer's file: the database, its tables, numeric mode, Kafka topic and routing
 * @param subscriber from the subscriber's file: Elasticsearch and the table mappings
 * @param tables     the tables to verify (none when only document types are); empty: the producer's tables, its
 *                   patterns resolved as it resolves them
 * @param documents  the joined document types to verify ({@code tributary.documents} of the subscriber's
 *                   configuration)
 * @param repair     whether to repair the drift found: tables by change events, document types by writing them
 * @param repairWait with repair: how long to wait for the subscriber to apply them, verifying again meanwhile
 * @param maxReport  how many findings of each kind to list per table
 * @param chunkSize  rows (and documents) per query
 */
record VerifySettings(ProducerConfigFile producer, SubscriberConfigFile subscriber, Optional<List<TableId>> tables,
                      List<DocumentSpec> documents, boolean repair, Optional<Duration> repairWait, int maxReport,
                      int chunkSize) {

    static final int MAX_CHUNK_SIZE = 10_000;

    VerifySettings {
        Objects.requireNonNull(producer, "producer");
        Objects.requireNonNull(subscriber, "subscriber");
        tables = tables.map(List::copyOf);
        documents = List.copyOf(documents);
        Objects.requireNonNull(repairWait, "repairWait");
        if (chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) {
            throw new InvalidUsageException("--chunk-size must be 1 to " + MAX_CHUNK_SIZE + ", got " + chunkSize);
        }
        if (maxReport < 0) {
            throw new InvalidUsageException("--max-report must be 0 or more, got " + maxReport);
        }
        if (repairWait.isPresent() && !repair) {
            throw new InvalidUsageException("--wait needs --repair (it waits for the repairs to be applied)");
        }
    }

    /** These settings verifying again without repairing (after the repairs were sent). */
    VerifySettings withoutRepair() {
        return new VerifySettings(producer, subscriber, tables, documents, false, Optional.empty(), maxReport,
                chunkSize);
    }
}
