package io.tributary.subscriber.apply;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.mapping.TypeMapping;
import co.elastic.clients.elasticsearch.indices.GetIndexResponse;
import co.elastic.clients.elasticsearch.indices.GetMappingResponse;
import co.elastic.clients.elasticsearch.indices.IndexSettings;
import co.elastic.clients.elasticsearch.indices.IndexState;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.subscriber.mapping.FieldMappings;
import io.tributary.subscriber.mapping.TableMapping;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The indices (and aliases) writes go to: each exists, and maps every field of the documents written to it, before
 * the bulk request that writes them; a truncate empties one without losing its mapping.
 *
 * <p><b>Creation:</b> a missing target is created before its first write, with the table's mapping file verbatim or
 * else mappings {@linkplain FieldMappings derived} from the events' column types; a target that is an alias is
 * created as the index {@code <alias>-000001} with the alias as its write index. Another subscriber creating it
 * first ({@code resource_already_exists_exception}) is fine.
 *
 * <p><b>New columns extend the mapping:</b> per target, the set of mapped top-level fields is kept (read from
 * Elasticsearch on first use); a write bringing a field with a known type that is not in it first puts the mapping
 * of the new fields. Tables with a mapping file are left to the file's {@code dynamic} setting. Fields whose type no
 * event told are left to Elasticsearch's dynamic mapping.
 *
 * <p><b>Truncate:</b> reads the target's indices (mappings, aliases, shard and replica counts), deletes each and
 * creates it again with them. Should Elasticsearch fail in between, the read state is kept and the retried truncate
 * recreates from it. Other settings of the index are not carried over.
 *
 * <p>Not thread-safe: used by the consumer thread.
 */
final class TargetIndexes {

    private static final Logger LOG = LoggerFactory.getLogger(TargetIndexes.class);

    /** A target Elasticsearch refused to create: its writes are rejected, for the dead-letter topic. */
    record Refusal(String kind, String reason) {
    }

    private final ElasticsearchClient client;
    private final Map<String, Set<String>> mappedFields = new HashMap<>();
    private final Map<String, GetIndexResponse> truncatedNotRecreated = new HashMap<>();

    TargetIndexes(ElasticsearchClient client) {
        this.client = client;
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
        Map<String, Refusal> refused = new HashMap<>();
        for (Map.Entry<String, TableMapping> target : tables.entrySet()) {
            String name = target.getKey();
            Map<String, String> fields = fieldTypes.get(name);
            Set<String> mapped = mappedFields.get(name);
            if (mapped == null) {
                Optional<Refusal> refusal = ensureExists(target.getValue(), fields);
                if (refusal.isPresent()) {
                    refused.put(name, refusal.get());
                    continue;
                }
                mapped = mappedFields.get(name);
            }
            if (target.getValue().mappingFile().isEmpty()) {
                Map<String, String> missing = new LinkedHashMap<>(fields);
                missing.keySet().removeAll(mapped);
                if (!missing.isEmpty()) {
                    putMapping(target.getValue(), missing);
                    mapped.addAll(missing.keySet());
                }
            }
        }
        return refused;
    }

    private Optional<Refusal> ensureExists(TableMapping table, Map<String, String> fieldTypes)
            throws ApplyFailedException {
        String target = table.target();
        Optional<Set<String>> existing = readFields(target);
        if (existing.isPresent()) {
            mappedFields.put(target, existing.get());
            return Optional.empty();
        }
        ObjectNode mappings = table.mappingFile().map(TableMapping.MappingFile::mappings)
                .orElseGet(() -> FieldMappings.properties(fieldTypes));
        String what = "creating index " + table.index() + table.alias().map(a -> " with write alias " + a).orElse("")
                + " for table " + table.table()
                + table.mappingFile().map(f -> " with the mappings of " + f.path()).orElse("");
        try {
            client.indices().create(c -> {
                c.index(table.index()).mappings(typeMapping(mappings));
                table.alias().ifPresent(alias -> c.aliases(alias, a -> a.isWriteIndex(true)));
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
        mappedFields.put(target, fields);
        return Optional.empty();
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
        String json = FieldMappings.properties(fieldTypes).toString();
        try {
            client.indices().putMapping(p -> p.index(target).withJson(new StringReader(json)));
            LOG.info("{}: done", what);
        } catch (IOException e) {
            throw Failures.requestFailed(what, e);
        } catch (ElasticsearchException e) {
            if (Verdict.forRequest(e.status(), e.error().type()) != Verdict.REJECT) {
                throw Failures.requestFailed(what, e);
            }
            LOG.warn("{} failed, leaving them to dynamic mapping: {}", what, e.getMessage());
        }
    }

    /**
     * Empties {@code target}: deletes each index it names and creates it again with its mappings, aliases and shard
     * and replica counts. Nothing to do when there is no such index.
     *
     * @throws ApplyFailedException retriable when Elasticsearch cannot answer now (a retry finishes the job)
     */
    void truncate(String target, String what) throws ApplyFailedException {
        GetIndexResponse state = truncatedNotRecreated.get(target);
        if (state == null) {
            try {
                state = client.indices().get(g -> g.index(target));
            } catch (IOException e) {
                throw Failures.requestFailed(what, e);
            } catch (ElasticsearchException e) {
                if (e.status() == 404) {
                    return;
                }
                throw Failures.requestFailed(what, e);
            }
            truncatedNotRecreated.put(target, state);
        }
        mappedFields.remove(target);
        try {
            for (Map.Entry<String, IndexState> index : state.result().entrySet()) {
                recreate(index.getKey(), index.getValue());
            }
        } catch (IOException e) {
            throw Failures.requestFailed(what, e);
        } catch (ElasticsearchException e) {
            throw Failures.failed(what, Verdict.forRequest(e.status(), e.error().type()) == Verdict.RETRY
                    ? Verdict.RETRY : Verdict.FATAL, "Elasticsearch refused it: " + e.getMessage(), e);
        }
        truncatedNotRecreated.remove(target);
    }

    private void recreate(String index, IndexState state) throws IOException {
        client.indices().delete(d -> d.index(index).ignoreUnavailable(true));
        IndexSettings settings = state.settings() == null ? null
                : state.settings().index() != null ? state.settings().index() : state.settings();
        try {
            client.indices().create(c -> {
                c.index(index).aliases(state.aliases());
                if (state.mappings() != null) {
                    c.mappings(state.mappings());
                }
                if (settings != null) {
                    c.settings(s -> s.numberOfShards(settings.numberOfShards())
                            .numberOfReplicas(settings.numberOfReplicas()));
                }
                return c;
            });
        } catch (ElasticsearchException e) {
            if (!"resource_already_exists_exception".equals(e.error().type())) {
                throw e;
            }
        }
    }

    private static TypeMapping typeMapping(ObjectNode mappings) {
        return TypeMapping.of(m -> m.withJson(new StringReader(mappings.toString())));
    }
}
