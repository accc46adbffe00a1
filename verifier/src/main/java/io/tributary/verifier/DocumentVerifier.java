package io.tributary.verifier;

import io.tributary.documents.DocumentBuilder;
import io.tributary.documents.DocumentBuilder.Built;
import io.tributary.documents.DocumentTree;
import io.tributary.documents.Snapshot;
import io.tributary.documents.SourceSession;
import io.tributary.producer.decoding.ReplicationMessage.Column;
import io.tributary.shaping.PgTypes;
import io.tributary.shaping.ValueConverter;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies one joined document type ({@code tributary.documents.<name>}): builds each document from PostgreSQL with
 * the subscriber's own {@link DocumentBuilder} and compares it with the one stored under the type's alias, then looks
 * for stored documents whose root row does not exist; with repairs, writes what it read ({@link DocumentRepairs}).
 *
 * <ol>
 *   <li>Roots: their keys in key order, a chunk at a time ({@link SourceTable} over the root table's key columns),
 *       each chunk's keys read and documents built in one REPEATABLE READ transaction, at one {@link Snapshot}, then
 *       fetched with one {@code _mget}. No document, or a delete marker: <em>missing</em>. A document whose
 *       {@code _source} differs ({@link DocumentComparison#documentDifferences}, the pipeline's own
 *       {@code _tributary…} fields left out): <em>different</em>.</li>
 *   <li>Documents, a page at a time from a point-in-time scan of the alias (which hides delete markers): each
 *       {@code _id} turned back into a root key ({@link DocumentKeys}), the page's keys looked up in one transaction,
 *       and the id of each root found computed again. An id not among them: <em>extra</em>.</li>
 * </ol>
 *
 * <p><b>Invariant: drift is what a second read confirms, judged against the snapshot it was read at.</b> What looks
 * drifted is read once more in a fresh transaction at snapshot S (built again, or its root's absence confirmed
 * again), then its document is fetched again. A document stored at a version above {@code S.version()} was built
 * from a snapshot that saw more than S (the subscriber rebuilt it meanwhile): no drift, whatever it holds; a delete
 * marker there means the root was deleted after S. Only what still differs counts, and its repair is written at S's
 * version ({@link DocumentRepairs} says why that is safe). A root gone by the second read is not missing, and one
 * back by then is not extra.
 *
 * <p>Memory is one chunk of roots and their documents, or one page of ids. Not thread-safe.
 */
final class DocumentVerifier {

    private final SourceDatabase database;
    private final SourceSession session;
    private final PgTypes types;
    private final ValueConverter values;
    private final ElasticsearchDocuments documents;
    private final Optional<DocumentRepairs> repairs;
    private final Progress progress;
    private final VerifySettings settings;

    /** The document type being verified, and what verifying it reads through and counts in. */
    private record Target(DocumentTree tree, DocumentBuilder builder, SourceTable roots, boolean indexExists,
                          DriftTally tally) {

        String index() {
            return tree.name();
        }
    }

    /** A read of one transaction, with the snapshot it saw. */
    private record AtSnapshot<T>(Snapshot snapshot, T value) {
    }

    private interface Read<T> {
        T read() throws SQLException;
    }

    /**
     * @param database the catalog questions (the root table's shape and size), asked outside any transaction
     * @param session  the reads of documents and root keys, each in a transaction of its own
     */
    DocumentVerifier(SourceDatabase database, SourceSession session, PgTypes types, ValueConverter values,
                     ElasticsearchDocuments documents, Optional<DocumentRepairs> repairs, Progress progress,
                     VerifySettings settings) {
        this.database = database;
        this.session = session;
        this.types = types;
        this.values = values;
        this.documents = documents;
        this.repairs = repairs;
        this.progress = progress;
        this.settings = settings;
    }

    TableReport verify(DocumentTree tree) throws SQLException {
        String name = tree.name();
        TableShape shape = database.shape(tree.root().table().table());
        Optional<String> unverifiable = shape.unverifiableBecause();
        if (unverifiable.isPresent()) {
            return TableReport.skippedDocument(name, shape.table(), unverifiable.get());
        }
        List<String> keyNames = shape.keyColumns().stream().map(Column::name).toList();
        if (!keyNames.equals(tree.root().table().key())) {
            return TableReport.skippedDocument(name, shape.table(), "the producer keys " + shape.table() + " by "
                    + keyNames + ", the document by " + tree.root().table().key() + "; not verified");
        }
        DriftTally tally = DriftTally.ofDocument(name, shape.table(), name, settings.maxReport());
        boolean indexExists = documents.exists(name);
        if (indexExists) {
            documents.refresh(name);
        } else {
            tally.note("index " + name + " does not exist: every document is missing" + (repairs.isPresent()
                    ? "; not repaired: the subscriber creates it (mappings, and the alias that hides delete markers)"
                    : ""));
        }
        Target target = new Target(tree, new DocumentBuilder(tree, values),
                new SourceTable(session.connection(), shape.keysOnly(), settings.chunkSize()), indexExists, tally);
        progress.start("document " + name, database.estimatedRows(shape));
        try {
            long count = indexExists ? documents.count(name) : 0; // before any repair can change it
            compareDocuments(target);
            if (indexExists) {
                findExtraDocuments(target, shape.keyColumns());
            }
            return tally.report(count);
        } finally {
            progress.finish();
        }
    }

    private void compareDocuments(Target target) throws SQLException {
        while (true) {
            AtSnapshot<List<Built>> chunk = readAtSnapshot(() -> {
                List<List<String>> keys = target.roots().nextChunk();
                return keys.isEmpty() ? List.of() : target.builder().build(session.connection(), keys);
            });
            if (chunk.value().isEmpty()) {
                return;
            }
            if (target.indexExists()) {
                Map<String, StoredDocument> stored = fetch(target, chunk.value().stream().map(Built::id).toList());
                List<List<String>> suspects = new ArrayList<>();
                for (Built built : chunk.value()) {
                    if (drift(built, stored.get(built.id()), chunk.snapshot()).isPresent()) {
                        suspects.add(built.keyTexts());
                    }
                }
                if (!suspects.isEmpty()) {
                    confirmDrift(target, suspects);
                }
            } else {
                chunk.value().forEach(built -> target.tally().found(new Drift.Missing(built.id())));
            }
            target.tally().rowsRead(chunk.value().size());
            progress.advance(chunk.value().size());
        }
    }

    /**
     * Builds the documents of {@code rootKeys} again in a fresh transaction, fetches them again, and counts (and
     * repairs) what still differs.
     */
    private void confirmDrift(Target target, List<List<String>> rootKeys) throws SQLException {
        AtSnapshot<List<Built>> again = readAtSnapshot(() -> target.builder().build(session.connection(), rootKeys));
        Map<String, StoredDocument> stored = fetch(target, again.value().stream().map(Built::id).toList());
        for (Built built : again.value()) {
            Optional<Drift> drift = drift(built, stored.get(built.id()), again.snapshot());
            if (drift.isPresent()) {
                target.tally().found(drift.get());
                if (repairs.isPresent()) {
                    count(target, repairs.get().write(target.index(), built.id(), built.document(), again.snapshot()));
                }
            }
        }
    }

    /**
     * How {@code stored} drifted from the document {@code built} at {@code snapshot}; empty when it is that document,
     * or newer than the snapshot.
     */
    static Optional<Drift> drift(Built built, StoredDocument stored, Snapshot snapshot) {
        if (stored == null) {
            return Optional.of(new Drift.Missing(built.id()));
        }
        if (stored.version() > snapshot.version()) {
            return Optional.empty();
        }
        if (stored.deleteMarker()) {
            return Optional.of(new Drift.Missing(built.id()));
        }
        List<FieldDifference> differences = DocumentComparison.documentDifferences(built.document(), stored.source());
        return differences.isEmpty() ? Optional.empty()
                : Optional.of(new Drift.Different(built.id(), stored.version(), differences));
    }

    private void findExtraDocuments(Target target, List<Column> keyColumns) throws SQLException {
        List<String> opaque = DocumentKeys.opaqueColumns(types, keyColumns);
        if (!opaque.isEmpty()) {
            target.tally().note("documents without a root row were not looked for: key columns " + opaque + " have"
                    + " types whose document ids PostgreSQL cannot read back (bytea, arrays, json, hstore)");
            return;
        }
        int pageSize = Math.max(1, Math.min(settings.chunkSize(), SourceTable.MAX_KEY_PARAMETERS / keyColumns.size()));
        try (ElasticsearchDocuments.IdScan scan = documents.scan(target.index(), pageSize)) {
            for (List<IndexedId> page = scan.nextPage(); !page.isEmpty(); page = scan.nextPage()) {
                List<String> ids = page.stream().map(IndexedId::id).toList();
                AtSnapshot<Set<String>> absent = readAtSnapshot(() -> withoutRoot(target, ids, keyColumns.size()));
                if (!absent.value().isEmpty()) {
                    confirmExtra(target, absent.value(), keyColumns.size());
                }
            }
        }
    }

    /**
     * Confirms in a fresh transaction that the roots of {@code ids} do not exist, fetches their documents again, and
     * counts (and marks deleted) those that are still there and not newer than that transaction's snapshot.
     */
    private void confirmExtra(Target target, Set<String> ids, int keyColumns) throws SQLException {
        AtSnapshot<Set<String>> again = readAtSnapshot(() -> withoutRoot(target, ids, keyColumns));
        Map<String, StoredDocument> stored = fetch(target, again.value());
        for (String id : again.value()) {
            StoredDocument document = stored.get(id);
            if (document == null || document.deleteMarker() || document.version() > again.snapshot().version()) {
                continue;
            }
            target.tally().found(new Drift.Extra(id, document.version()));
            if (repairs.isPresent()) {
                count(target, repairs.get().markDeleted(target.index(), id, again.snapshot()));
            }
        }
    }

    /** The ids among {@code ids} that no root row has, in the current transaction. */
    private Set<String> withoutRoot(Target target, Collection<String> ids, int keyColumns) throws SQLException {
        Map<String, List<String>> keyTextsById = new LinkedHashMap<>();
        for (String id : ids) {
            DocumentKeys.keyTexts(id, keyColumns).ifPresent(texts -> keyTextsById.put(id, texts));
        }
        Set<String> rootIds = new HashSet<>();
        for (List<String> key : target.roots().existingKeys(new ArrayList<>(keyTextsById.values()))) {
            rootIds.add(target.builder().idOf(key));
        }
        Set<String> without = new LinkedHashSet<>(ids);
        without.removeAll(rootIds);
        return without;
    }

    private Map<String, StoredDocument> fetch(Target target, Collection<String> ids) {
        return documents.multiGet(target.index(), ids.stream().map(id -> new DocumentAddress(id, "")).toList());
    }

    private static void count(Target target, boolean written) {
        if (written) {
            target.tally().repairSent();
        } else {
            target.tally().repairSuperseded();
        }
    }

    /** Runs {@code read} in a REPEATABLE READ transaction of its own. */
    private <T> AtSnapshot<T> readAtSnapshot(Read<T> read) throws SQLException {
        Snapshot snapshot = session.begin();
        try {
            return new AtSnapshot<>(snapshot, read.read());
        } finally {
            session.end();
        }
    }
}
