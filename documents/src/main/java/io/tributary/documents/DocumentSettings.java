package io.tributary.documents;

import com.typesafe.config.Config;
import io.tributary.config.PostgresTls;
import io.tributary.config.SettingsReader;
import io.tributary.shaping.NumericMode;
import io.tributary.shaping.source.PostgresEndpoint;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How joined documents are configured: the document types ({@code tributary.documents}), the database they are read
 * from ({@code tributary.postgres}) and how rebuilds run ({@code tributary.document-rebuild}). Read and validated
 * once at startup; the defaults are in the subscriber's reference.conf.
 *
 * @param documents         the document types, in configuration order; empty when none is configured
 * @param source            the database to read them from; present whenever {@code documents} is not empty
 * @param publication       the producer's publication every taking-part table must be in; "" to skip the check
 * @param numericMode       the JSON form of numeric values, as the producer's
 * @param pageSize          documents rebuilt per read and per bulk request at most
 * @param visibilityTimeout how long a rebuild waits for the transaction that caused it to become visible
 * @param checkInterval     how often document indices are checked for a full build to do
 * @param backgroundAfter   how long a batch's document rebuilds run on the consumer thread before a partition's
 *                          go on in the background (its records waiting) while the other partitions go on
 */
public record DocumentSettings(List<DocumentSpec> documents, Optional<PostgresEndpoint> source, String publication,
                               NumericMode numericMode, int pageSize, Duration visibilityTimeout,
                               Duration checkInterval, Duration backgroundAfter) {



    public DocumentSettings {
        documents = List.copyOf(documents);
        if (!documents.isEmpty() && source.isEmpty()) {
            throw new IllegalArgumentException("joined documents need a database to read from");
        }
    }

    /** @throws io.tributary.config.InvalidConfigException naming the key at fault */
    public static DocumentSettings read(Config config) {
        SettingsReader read = new SettingsReader(config);
        List<DocumentSpec> documents = DocumentSpecReader.read(config);
        Optional<PostgresEndpoint> source = Optional.empty();
        if (!documents.isEmpty()) {
            String url = read.optionalString("tributary.postgres.url").orElseThrow(() -> read.invalid(
                    "tributary.postgres.url", "must be set when tributary.documents is: documents " + documents.stream()
                            .map(DocumentSpec::name).toList() + " are read from PostgreSQL"));
            if (!url.startsWith("jdbc:postgresql:")) {
                throw read.invalid("tributary.postgres.url", "must be a JDBC URL such as"
                        + " jdbc:postgresql://host:5432/database, got '" + url + "'");
            }
            source = Optional.of(new PostgresEndpoint(url, read.requiredString("tributary.postgres.user"),
                    read.secret("tributary.postgres.password"), PostgresTls.read(read, url)));
        }
        String base = "tributary.document-rebuild.";
        return new DocumentSettings(documents, source,
                read.optionalString("tributary.postgres.publication").orElse(""),
                NumericMode.read(read),
                read.intBetween(base + "page-size", 1, 10_000),
                read.durationAtLeast(base + "visibility-timeout", Duration.ofMillis(1)),
                read.durationAtLeast(base + "check-interval", Duration.ofSeconds(1)),
                read.durationAtLeast(base + "background-after", Duration.ZERO));
    }
}
