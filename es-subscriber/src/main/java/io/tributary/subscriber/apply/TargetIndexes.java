package io.tributary.subscriber.apply;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.mapping.TypeMapping;
import co.elastic.clients.elasticsearch.indices.AliasDefinition;
import co.elastic.clients.elasticsearch.indices.GetMappingResponse;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.index.SearchEngine;
import io.tributary.index.mapping.DeleteMarker;
import io.tributary.index.mapping.TableMapping;
import io.tributary.index.mapping.TableTag;
import io.tributary.shaping.FieldMappings;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The indices (and aliases) writes go to: each exists, and maps every field of the documents written to it, before
 * the bulk request that writes them.
 *
 * <p><b>Creation:</b> a missing target is created before its first write, with the table's mapping file or else
 * mappings {@linkplain FieldMappings derived} from the events' column types, plus the
 * {@linkplain DeleteMarkers delete marker} field; a target that is an alias (every table's, unless a test or an older
 * setup says otherwise) is created as the index {@code <alias>-000001} with the alias as its write index, filtered so
 * that searches through it never see a marker. Another subscriber creating it first
 * ({@code resource_already_exists_exception}) is fine. An existing target gets the marker field mapped if it lacks
 * it; one that does not hide markers (a concrete index, an alias without a filter) is warned about once.
 *
 * <p><b>New columns extend the mapping:</b> per target, the set of mapped top-level fields is kept (read from
 * Elasticsearch on first use); a write bringing a field with a known type that is not in it first puts the mapping
 * of the new fields. Tables with a mapping file are left to the file's {@code dynamic} setting. Fields whose type no
 * event told are left to Elasticsearch's dynamic mapping.
 *
 * <p><b>Never auto-created:</b> writes to a target that is an alias carry {@code require_alias}
 * ({@link #isAlias}), so once its index is deleted Elasticsearch answers 404 instead of creating an index of the
 * alias's name with dynamic mappings; the write is retried ({@link UnavailableIndex}) after {@link #forget}, so the
 * next {@link #prepare} creates index and alias again, as at the first write.
 *
 * <p><b>Several at once:</b> the targets of one {@link #prepare} that need requests are prepared concurrently, on the
 * bulk request threads (a batch that first sees three tables creates their indices together, instead of waiting
 * for each creation, shard start included, in turn); each target's own requests stay in order.
 *
 * <p>{@link #prepare} is called by one thread at a time (the one applying batches), never while that thread's bulk
 * requests run; {@link #isAlias} and {@link #forget} also by bulk request threads.
 */
final class TargetIndexes {

    private static final Logger LOG = LoggerFactory.getLogger(TargetIndexes.class);

    /** A target Elasticsearch refused to create: its writes are rejected, for the dead-letter topic. */
    record Refusal(String kind, String reason) {
    }

    private final ElasticsearchClient client;
    private final SearchEngine engine;
    private final Map<String, Set<String>> mappedFields = new ConcurrentHashMap<>();
    /** Targets known to be aliases: their writes must not create an index. */
    private final Set<String> aliases = ConcurrentHashMap.newKeySet();

    private final ConcurrentPartitions lanes;

    /** @param lanes where the targets of one {@link #prepare} are prepared, several at once; not closed here */
    TargetIndexes(ElasticsearchClient client, SearchEngine engine, ConcurrentPartitions lanes) {
        this.client = client;
        this.engine = engine;
        this.lanes = lanes;
    }

    /**
     * Creates the missing targets of {@code writes} and extends their mappings by the fields not yet mapped.
     *
     * @return the targets that cannot be created (a derived mapping Elasticsearch refuses), with why
     * @throws ApplyFailedException retriable when Elasticsearch cannot answer now; not retriable when it refuses a
     *                              configured mapping file, the credentials or privileges
     */
    Map<String, Refusal> prepare(List<PlannedWrite> writes) throws ApplyFailedException {
        Map<String, TableMapping> tables = new LinkedHashMap<>();
        // Writes of a table mostly share one field-types map: merge each distinct one once, in batch order.
        Map<String, List<Map<String, String>>> distinctFieldTypes = new HashMap<>();
        for (PlannedWrite write : writes) {
            if (write.indexesDocument()) {
                tables.putIfAbsent(write.index(), write.table());
                List<Map<String, String>> distinct = distinctFieldTypes.computeIfAbsent(write.index(),
                        i -> new ArrayList<>());
                if (distinct.stream().noneMatch(types -> types == write.fieldTypes())) {
                    distinct.add(write.fieldTypes());
                }
            }
        }
        Map<String, Map<String, String>> fieldTypes = new HashMap<>();
        distinctFieldTypes.forEach((index, distinct) -> {
            Map<String, String> fields = new LinkedHashMap<>();
            distinct.forEach(types -> types.forEach(fields::putIfAbsent));
            fieldTypes.put(index, fields);
        });
        // Only targets not seen yet, or with fields not mapped yet, need requests; several of them (a batch's first
        // sight of several tables) are prepared at once, each target's requests in order.
        Map<String, List<TableMapping>> unprepared = new LinkedHashMap<>();
        tables.forEach((name, table) -> {
            if (needsPreparing(table, fieldTypes.get(name))) {
                unprepared.put(name, List.of(table));
            }
        });
        Map<String, Refusal> refused = new ConcurrentHashMap<>();
        if (!unprepared.isEmpty()) {
            lanes.runInOrder(unprepared, (name, table) -> prepareTarget(table, fieldTypes.get(name))
                    .ifPresent(refusal -> refused.put(name, refusal)));
        }
        return refused;
    }

    private boolean needsPreparing(TableMapping table, Map<String, String> fieldTypes) {
        Set<String> mapped = mappedFields.get(table.target());
        return mapped == null || table.mappingFile().isEmpty() && !mapped.containsAll(fieldTypes.keySet());
    }

    /** Creates or adopts {@code table}'s target if it is not known yet, then maps the fields it lacks. */
    private Optional<Refusal> prepareTarget(TableMapping table, Map<String, String> fieldTypes)
            throws ApplyFailedException {
        String name = table.target();
        Set<String> mapped = mappedFields.get(name);
        if (mapped == null) {
            Optional<Refusal> refusal = ensureExists(table, fieldTypes);
            if (refusal.isPresent()) {
                return refusal;
            }
            mapped = mappedFields.get(name);
        }
        if (table.mappingFile().isEmpty()) {
            Map<String, String> missing = new LinkedHashMap<>(fieldTypes);
            missing.keySet().removeAll(mapped);
            if (!missing.isEmpty()) {
                putMapping(table, missing);
                mapped.addAll(missing.keySet());
            }
        }
        return Optional.empty();
    }

    /** True when {@code target} is an alias (as far as {@link #prepare} found): its writes carry {@code require_alias}. */
    boolean isAlias(String target) {
        return aliases.contains(target);
    }

    /** {@code target} was found missing: the next {@link #prepare} of a write to it looks for it, or creates it, again. */
    void forget(String target) {
        mappedFields.remove(target);
        aliases.remove(target);
    }

    private Optional<Refusal> ensureExists(TableMapping table, Map<String, String> fieldTypes)
            throws ApplyFailedException {
        String target = table.target();
        Optional<Set<String>> existing = readFields(target);
        if (existing.isPresent()) {
            adopt(table, existing.get());
            return Optional.empty();
        }
        ObjectNode mappings = DeleteMarkers.withOwnFields(table.mappingFile().map(TableMapping.MappingFile::mappings)
                .orElseGet(() -> engine.derivedMappings(FieldMappings.properties(fieldTypes))));
        String what = "creating index " + table.index() + table.alias().map(a -> " with write alias " + a).orElse("")
                + " for table " + table.table()
                + table.mappingFile().map(f -> " with the mappings of " + f.path()).orElse("");
        try {
            client.indices().create(c -> {
                c.index(table.index()).mappings(typeMapping(mappings));
                table.alias().ifPresent(alias -> c.aliases(alias, a -> a.isWriteIndex(true)
                        .filter(f -> f.withJson(new StringReader(DeleteMarkers.aliasFilter().toString())))));
                return c;
            });
            LOG.info("{}: done", what);
        } catch (IOException e) {
            throw Failures.requestFailed(what, e);
        } catch (ElasticsearchException e) {
            if (!"resource_already_exists_exception".equals(e.error().type())) {
                Verdict verdict = Verdict.forRequest(e.status(), e.error().type());
                if (verdict != Verdict.REJECT) {
                    throw Failures.requestFailed(what, e);
                }
                if (table.mappingFile().isPresent()) {
                    throw new ApplyFailedException(what + " failed: Elasticsearch refused it: " + e.getMessage()
                            + "; fix the mapping file or tributary.tables", false, e);
                }
                return Optional.of(new Refusal(e.error().type(), what + " failed: " + e.getMessage()));
            }
        }
        Set<String> fields = readFields(target).orElseThrow(() -> new ApplyFailedException(what + ": index "
                + table.index() + " exists, but " + target + " does not name it; add the alias or delete the index",
                false, null));
        adopt(table, fields);
        return Optional.empty();
    }

    /**
     * Takes an existing target into use: maps the marker field if it is not mapped (a marker must never be refused,
     * and the alias filter needs the field), and warns once when searches of the target would see markers.
     */
    private void adopt(TableMapping table, Set<String> fields) throws ApplyFailedException {
        String target = table.target();
        if (!fields.contains(DeleteMarker.DELETED_FIELD) || !fields.contains(TableTag.FIELD)) {
            String what = "mapping Tributary's fields " + DeleteMarker.DELETED_FIELD + " and " + TableTag.FIELD
                    + " in " + target;
            String json = DeleteMarkers.ownFieldsOnly().toString();
            try {
                client.indices().putMapping(p -> p.index(target).withJson(new StringReader(json)));
                LOG.info("{}: done", what);
            } catch (IOException e) {
                throw Failures.requestFailed(what, e);
            } catch (ElasticsearchException e) {
                if (Verdict.forRequest(e.status(), e.error().type()) == Verdict.RETRY) {
                    throw Failures.requestFailed(what, target, e);
                }
                throw Failures.failed(what, Verdict.FATAL, "Elasticsearch refused it: " + e.getMessage()
                        + "; deletes of table " + table.table() + " cannot be kept without it", e);
            }
            fields.add(DeleteMarker.DELETED_FIELD);
            fields.add(TableTag.FIELD);
        }
        List<AliasDefinition> definitions = aliasDefinitions(target);
        if (definitions.isEmpty()) {
            aliases.remove(target);
        } else {
            aliases.add(target);
        }
        if (definitions.isEmpty() || !definitions.stream().allMatch(alias -> alias != null && alias.filter() != null
                && alias.filter().toString().contains(DeleteMarker.DELETED_FIELD))) {
            LOG.warn("{} is not an alias that hides delete markers: deleted rows of table {} stay in it as documents"
                    + " with the field {} that searches of {} see. Search through an alias with the filter {}"
                    + " (Tributary creates one over <name>-000001 when the name is free), or add that filter to the"
                    + " alias", target, table.table(), DeleteMarker.DELETED_FIELD, target, DeleteMarkers.aliasFilter());
        }
        mappedFields.put(target, fields);
    }

    /** The definitions of the alias {@code target}, one per index it names; none when it is no alias. */
    private List<AliasDefinition> aliasDefinitions(String target) throws ApplyFailedException {
        String what = "reading the alias " + target;
        try {
            return client.indices().getAlias(a -> a.name(target)).result().values().stream()
                    .map(index -> index.aliases().get(target)).toList();
        } catch (IOException e) {
            throw Failures.requestFailed(what, e);
        } catch (ElasticsearchException e) {
            if (e.status() == 404) {
                return List.of();
            }
            throw Failures.requestFailed(what, e);
        }
    }

    /** The top-level fields mapped in the indices {@code target} names; empty when there is no such index or alias. */
    private Optional<Set<String>> readFields(String target) throws ApplyFailedException {
        String what = "reading the mapping of " + target;
        GetMappingResponse response;
        try {
            response = client.indices().getMapping(g -> g.index(target));
        } catch (IOException e) {
            throw Failures.requestFailed(what, e);
        } catch (ElasticsearchException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw Failures.requestFailed(what, e);
        }
        Set<String> fields = new HashSet<>();
        response.result().values().forEach(index -> fields.addAll(index.mappings().properties().keySet()));
        return Optional.of(fields);
    }

    /** Maps new fields; if Elasticsearch refuses, they are left to its dynamic mapping (and each document's fate). */
    private void putMapping(TableMapping table, Map<String, String> fieldTypes) throws ApplyFailedException {
        String target = table.target();
        String what = "adding fields " + fieldTypes.keySet() + " of table " + table.table() + " to the mapping of "
                + target;
        String json = engine.derivedMappings(FieldMappings.properties(fieldTypes)).toString();
        try {
            client.indices().putMapping(p -> p.index(target).withJson(new StringReader(json)));
            LOG.info("{}: done", what);
        } catch (IOException e) {
            throw Failures.requestFailed(what, e);
        } catch (ElasticsearchException e) {
            if (Verdict.forRequest(e.status(), e.error().type()) != Verdict.REJECT) {
                throw Failures.requestFailed(what, target, e);
            }
            LOG.warn("{} failed, leaving them to dynamic mapping: {}", what, e.getMessage());
        }
    }

    private static TypeMapping typeMapping(ObjectNode mappings) {
        return TypeMapping.of(m -> m.withJson(new StringReader(mappings.toString())));
    }
}
