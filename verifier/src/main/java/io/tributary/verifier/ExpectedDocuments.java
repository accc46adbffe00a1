package io.tributary.verifier;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.index.mapping.TableMapping;
import io.tributary.index.mapping.TableMappings;
import io.tributary.model.ChangeEvent;
import io.tributary.model.TableId;
import io.tributary.shaping.DocumentIds;
import io.tributary.shaping.FieldMappings;
import io.tributary.shaping.PgTypes;
import io.tributary.shaping.ValueConverter;
import io.tributary.shaping.source.TypeCatalogLoader;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The documents {@code verify} expects in one table's index, read from PostgreSQL a chunk at a time: public API for
 * the verify benchmark, which fills the index as the pipeline would have. Each row is read, converted and shaped exactly as the verifier
 * does it — its own {@link SourceDatabase}, {@link SourceTable} and {@link RowConverter} (the producer's conversion),
 * the subscriber's {@link TableMapping} and {@link DocumentIds} — from the same two configuration files, so the
 * documents match by construction.
 *
 * Not thread-safe.
 */
public final class ExpectedDocuments implements AutoCloseable {

    /**
     * One document as the subscriber would index it.
     *
     * @param routing the routing value; empty when the table does not route by a column
     */
    public record Document(String id, String routing, ObjectNode source) {
    }

    private final SourceDatabase database;
    private final SourceTable rows;
    private final RowConverter converter;
    private final TableMapping mapping;
    private Map<String, String> columnTypes = Map.of();

    private ExpectedDocuments(SourceDatabase database, SourceTable rows, RowConverter converter,
                              TableMapping mapping) {
        this.database = database;
        this.rows = rows;
        this.converter = converter;
        this.mapping = mapping;
    }

    /**
     * Reads the configuration files as {@code verify} reads them (no {@code TRIBUTARY_*} variables) and opens the
     * table.
     *
     * @param chunkSize rows per query, at most {@value VerifySettings#MAX_CHUNK_SIZE}
     * @throws SQLException when PostgreSQL fails; {@link RuntimeException}s name a bad configuration or table
     */
    public static ExpectedDocuments open(Path producerConfig, Path subscriberConfig, TableId table, int chunkSize)
            throws SQLException {
        ProducerConfigFile producer = ProducerConfigFile.load(producerConfig, Map.of());
        SubscriberConfigFile subscriber = SubscriberConfigFile.load(subscriberConfig, Map.of());
        SourceDatabase database = SourceDatabase.open(producer.endpoint());
        try {
            PgTypes types = new TypeCatalogLoader(database.endpoint()).loadTypes();
            ValueConverter values = new ValueConverter(types, producer.numericMode());
            TableShape shape = database.shape(table);
            Optional<String> unverifiable = shape.unverifiableBecause();
            if (unverifiable.isPresent()) {
                throw new IllegalArgumentException("table " + table + ": " + unverifiable.get());
            }
            return new ExpectedDocuments(database, new SourceTable(database.connection(), shape, chunkSize),
                    new RowConverter(database.name(), shape.rows(values)),
                    new TableMappings(subscriber.tables()).forTable(table));
        } catch (SQLException | RuntimeException e) {
            database.close();
            throw e;
        }
    }

    /** The index or alias the subscriber writes the table's documents to. */
    public String target() {
        return mapping.target();
    }

    /** The next documents in key order, at most a chunk; empty once every row was read. */
    public List<Document> nextChunk() throws SQLException {
        List<List<String>> chunk = rows.nextChunk();
        List<Document> documents = new ArrayList<>(chunk.size());
        for (List<String> row : chunk) {
            ChangeEvent event = converter.convert(row);
            columnTypes = event.types();
            documents.add(new Document(DocumentIds.idFor(event.key()), mapping.routingValue(event.after()).orElse(""),
                    mapping.shape(event.after())));
        }
        return documents;
    }

    /**
     * The mappings the subscriber creates the index with on its first write when no mapping file is configured:
     * derived from the kept columns' types.
     *
     * @throws IllegalStateException before a chunk was read (the types come with the rows' events)
     */
    public ObjectNode indexMappings() {
        if (columnTypes.isEmpty()) {
            throw new IllegalStateException("the column types of " + mapping.table() + " are known once a row was"
                    + " read");
        }
        return mapping.mappingFile().map(TableMapping.MappingFile::mappings)
                .orElseGet(() -> FieldMappings.properties(mapping.fieldTypes(columnTypes)));
    }

    @Override
    public void close() {
        database.close();
    }
}
