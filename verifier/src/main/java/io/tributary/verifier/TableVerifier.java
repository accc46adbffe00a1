package io.tributary.verifier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.tributary.model.ChangeEvent;
import io.tributary.model.ChangeEventJson;
import io.tributary.producer.decoding.ReplicationMessage.Column;
import io.tributary.shaping.PgTypes;
import io.tributary.shaping.ValueConverter;
import io.tributary.shaping.DocumentIds;
import io.tributary.subscriber.mapping.TableMapping;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Verifies one table: compares each row, shaped as the subscriber shapes it, with its document, then looks for
 * documents without a row; with repairs, sends the change event that fixes each finding as it is found.
 *
 * <ol>
 *   <li>Rows, in key order a chunk at a time ({@link SourceTable}): each converted as the producer converts it
 *       ({@link RowConverter}), shaped by the table's {@link TableMapping}, addressed by {@link DocumentIds} and the
 *       routing column; one {@code _mget} per chunk. The rows whose document is not theirs are read again by key
 *       and compared again with the same documents; only what still differs counts. No document, or a delete marker
 *       ({@link StoredDocument#deleteMarker()}): <em>missing</em>. A document whose source differs
 *       ({@link DocumentComparison}): <em>different</em>. A row deleted before it was read again is neither.</li>
 *   <li>Documents, a page at a time from a point-in-time scan: each {@code _id} turned back into key values
 *       ({@link DocumentKeys}), one query per page for the keys that exist, and the id of each row found computed
 *       again. An id not among them: <em>extra</em>.</li>
 * </ol>
 *
 * <p><b>Invariant:</b> a repair's row is read <em>after</em> the document (and its {@code _version}) it repairs.
 * The document holds the change with LSN {@code _version}, applied before it was read; that change was committed
 * before it was applied, so the row read afterwards holds it or a newer state. The repair, at {@code _version + 1},
 * therefore never carries a state older than the document's: a newer change applied meanwhile makes it a 409, and
 * one applied later overwrites it. Compared with a row read <em>before</em> the document, an update applied in
 * between would be overwritten by the older row (docs/design.md, "verify --repair: versions").
 *
 * <p>Memory is one chunk of rows and documents, or one page of ids, at a time. Not thread-safe.
 */
final class TableVerifier {

    private final SourceDatabase database;
    private final String databaseName;
    private final PgTypes types;
    private final ValueConverter values;
    private final ElasticsearchDocuments documents;
    private final Optional<RepairPublisher> repairs;
    private final Progress progress;
    private final VerifySettings settings;
    private final Runnable betweenRowsAndDocuments;

    /**
     * @param betweenRowsAndDocuments run after each chunk of rows is read and before its documents are: a seam for
     *                                tests that change a row in between; does nothing otherwise
     */
    TableVerifier(SourceDatabase database, PgTypes types, ValueConverter values, ElasticsearchDocuments documents,
                  Optional<RepairPublisher> repairs, Progress progress, VerifySettings settings,
                  Runnable betweenRowsAndDocuments) throws SQLException {
        this.database = database;
        this.databaseName = database.name();
        this.types = types;
        this.values = values;
        this.documents = documents;
        this.repairs = repairs;
        this.progress = progress;
        this.settings = settings;
        this.betweenRowsAndDocuments = betweenRowsAndDocuments;
    }

    TableReport verify(TableShape shape, TableMapping mapping) throws SQLException {
        String target = mapping.target();
        Optional<String> unverifiable = shape.unverifiableBecause();
        if (unverifiable.isPresent()) {
            return TableReport.skipped(shape.table(), target, unverifiable.get());
        }
        DriftTally tally = new DriftTally(shape.table(), target, settings.maxReport());
        boolean indexExists = documents.exists(target);
        if (indexExists) {
            documents.refresh(target);
        } else {
            tally.note("index " + target + " does not exist: every row is missing");
        }
        progress.start(shape.table().toString(), database.estimatedRows(shape));
        try {
            long count = indexExists ? documents.count(target) : 0; // before any repair can change it
            compareRows(shape, mapping, indexExists, tally);
            if (indexExists) {
                findExtraDocuments(shape, mapping, tally);
            }
            return tally.report(count);
        } finally {
            progress.finish();
        }
    }

    private void compareRows(TableShape shape, TableMapping mapping, boolean indexExists, DriftTally tally)
            throws SQLException {
        RowConverter rows = new RowConverter(databaseName, values, shape.relation());
        SourceTable source = new SourceTable(database.connection(), shape, settings.chunkSize());
        for (List<List<String>> chunk = source.nextChunk(); !chunk.isEmpty(); chunk = source.nextChunk()) {
            List<ChangeEvent> events = new ArrayList<>(chunk.size());
            List<DocumentAddress> addresses = new ArrayList<>(chunk.size());
            for (List<String> row : chunk) {
                ChangeEvent event = rows.convert(row);
                events.add(event);
                addresses.add(new DocumentAddress(DocumentIds.idFor(event.key()),
                        mapping.routingValue(event.after()).orElse("")));
            }
            betweenRowsAndDocuments.run();
            Map<String, StoredDocument> stored = indexExists ? documents.multiGet(mapping.target(), addresses)
                    : Map.of();
            List<List<String>> drifted = new ArrayList<>();
            for (int i = 0; i < chunk.size(); i++) {
                if (!inSync(events.get(i), stored.get(addresses.get(i).id()), mapping)) {
                    drifted.add(chunk.get(i));
                }
            }
            for (List<String> row : source.reread(drifted)) {
                ChangeEvent now = rows.convert(row);
                String id = DocumentIds.idFor(now.key());
                compareRow(now, id, stored.get(id), mapping, tally);
            }
            tally.rowsRead(chunk.size());
            progress.advance(chunk.size());
        }
    }

    private static boolean inSync(ChangeEvent row, StoredDocument document, TableMapping mapping) {
        return document != null && !document.deleteMarker()
                && DocumentComparison.differences(mapping.shape(row.after()), document.source()).isEmpty();
    }

    /**
     * Compares a row read <em>after</em> its document (and repairs it at that document's version + 1): see
     * {@link TableVerifier} for why the order matters. A delete marker is no document, but its version counts.
     */
    private void compareRow(ChangeEvent event, String id, StoredDocument document, TableMapping mapping,
                            DriftTally tally) {
        if (document == null || document.deleteMarker()) {
            tally.found(new Drift.Missing(id));
            OptionalLong stored = document == null ? OptionalLong.empty() : OptionalLong.of(document.version());
            repair(RepairEvents.read(event, RepairVersions.forRow(stored)), tally);
            return;
        }
        List<FieldDifference> differences = DocumentComparison.differences(mapping.shape(event.after()),
                document.source());
        if (!differences.isEmpty()) {
            tally.found(new Drift.Different(id, document.version(), differences));
            repair(RepairEvents.read(event, RepairVersions.forRow(OptionalLong.of(document.version()))), tally);
        }
    }

    private void findExtraDocuments(TableShape shape, TableMapping mapping, DriftTally tally) throws SQLException {
        List<Column> keyColumns = shape.keyColumns();
        List<String> opaque = DocumentKeys.opaqueColumns(types, keyColumns);
        if (!opaque.isEmpty()) {
            tally.note("documents without a row were not looked for: key columns " + opaque + " have types whose"
                    + " document ids PostgreSQL cannot read back (bytea, arrays, json, hstore)");
            return;
        }
        RowConverter keys = new RowConverter(databaseName, values, shape.keyRelation());
        SourceTable source = new SourceTable(database.connection(), shape, settings.chunkSize());
        int pageSize = Math.max(1, Math.min(settings.chunkSize(),
                SourceTable.MAX_KEY_PARAMETERS / keyColumns.size()));
        try (ElasticsearchDocuments.IdScan scan = documents.scan(mapping.target(), pageSize)) {
            for (List<IndexedId> page = scan.nextPage(); !page.isEmpty(); page = scan.nextPage()) {
                Map<String, List<String>> keyTextsById = new LinkedHashMap<>();
                for (IndexedId document : page) {
                    DocumentKeys.keyTexts(document.id(), keyColumns.size())
                            .ifPresent(texts -> keyTextsById.put(document.id(), texts));
                }
                Set<String> rowIds = new HashSet<>();
                for (List<String> key : source.existingKeys(new ArrayList<>(keyTextsById.values()))) {
                    rowIds.add(DocumentIds.idFor(keys.convert(key).key()));
                }
                for (IndexedId document : page) {
                    if (!rowIds.contains(document.id())) {
                        tally.found(new Drift.Extra(document.id(), document.version()));
                        repairExtra(shape, mapping, keys, document, keyTextsById.get(document.id()), tally);
                    }
                }
            }
        }
    }

    /**
     * Deletes an orphan through the pipeline. Its key is the one the producer would send for the id when the id
     * converts to the key columns' types; otherwise (an id no row could have) the id's own values, as long as they
     * give the same {@code _id} again. An id neither gives cannot be deleted by the subscriber and is noted.
     */
    private void repairExtra(TableShape shape, TableMapping mapping, RowConverter keys, IndexedId document,
                             List<String> keyTexts, DriftTally tally) {
        if (repairs.isEmpty()) {
            return;
        }
        Optional<ObjectNode> key = keyFor(shape, keys, document.id(), keyTexts);
        if (key.isEmpty()) {
            tally.note("document " + document.id() + " cannot be deleted through the pipeline: no key gives that"
                    + " _id; delete it by hand");
            return;
        }
        ObjectNode before = key.get().deepCopy();
        mapping.routing().filter(column -> !before.has(column)).ifPresent(column -> before.set(column,
                document.routing().isEmpty() ? JsonNodeFactory.instance.nullNode()
                        : TextNode.valueOf(document.routing())));
        repair(RepairEvents.delete(databaseName, shape.table(), key.get(), before,
                RepairVersions.forOrphan(document.version())), tally);
    }

    private static Optional<ObjectNode> keyFor(TableShape shape, RowConverter keys, String id,
                                               List<String> keyTexts) {
        if (keyTexts != null) {
            try {
                ObjectNode converted = keys.convert(keyTexts).key();
                if (DocumentIds.idFor(converted).equals(id)) {
                    return Optional.of(converted);
                }
            } catch (VerificationFailedException e) {
                // the id is no value of the key's types: fall back to its own values
            }
        }
        List<Column> columns = shape.keyColumns();
        ObjectNode key = JsonNodeFactory.instance.objectNode();
        if (columns.size() == 1) {
            key.put(columns.get(0).name(), id);
        } else {
            JsonNode array;
            try {
                array = ChangeEventJson.mapper().readTree(id);
            } catch (JsonProcessingException e) {
                return Optional.empty();
            }
            if (array == null || !array.isArray() || array.size() != columns.size()) {
                return Optional.empty();
            }
            for (int i = 0; i < columns.size(); i++) {
                key.set(columns.get(i).name(), array.get(i));
            }
        }
        return DocumentIds.idFor(key).equals(id) ? Optional.of(key) : Optional.empty();
    }

    private void repair(ChangeEvent event, DriftTally tally) {
        repairs.ifPresent(publisher -> {
            publisher.send(event);
            tally.repairSent();
        });
    }
}
