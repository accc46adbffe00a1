package io.tributary.subscriber.apply;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.mapping.TypeMapping;
import co.elastic.clients.json.JsonData;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.documents.DocumentMappings;
import io.tributary.documents.DocumentTree;
import io.tributary.index.SearchEngine;
import io.tributary.index.mapping.TableMapping;
import java.io.IOException;
import java.io.StringReader;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The index of each document type: the alias {@code <name>} (filtering out delete markers) over
 * {@code <name>-000001}, created at startup with the mappings {@link DocumentMappings} derives, or, when it exists,
 * extended by the fields it lacks (a field Elasticsearch refuses to change is left as it is, with a warning). Its
 * mapping's {@code _meta.tributary_built} records the configuration fingerprint the index was fully built for
 * ({@link DocumentBackfill}). Used at startup and by the backfill thread; stateless.
 */
final class DocumentIndexes {

    private static final Logger LOG = LoggerFactory.getLogger(DocumentIndexes.class);
    static final String BUILT = "tributary_built";

    private final ElasticsearchClient client;
    private final SearchEngine engine;

    DocumentIndexes(ElasticsearchClient client, SearchEngine engine) {
        this.client = client;
        this.engine = engine;
    }

    /** Creates the document type's index and alias, or extends an existing one's mappings. */
    void ensure(DocumentTree tree) throws ApplyFailedException {
        String alias = tree.name();
        ObjectNode mappings = DeleteMarkers.withOwnFields(engine.derivedMappings(DocumentMappings.of(tree)));
        String what = "creating index " + alias + TableMapping.FIRST_GENERATION + " with alias " + alias
                + " for document " + alias;
        try {
            if (client.indices().exists(e -> e.index(alias)).value()) {
                extend(alias, mappings);
                return;
            }
            client.indices().create(c -> c.index(alias + TableMapping.FIRST_GENERATION)
                    .mappings(TypeMapping.of(m -> m.withJson(new StringReader(mappings.toString()))))
                    .aliases(alias, a -> a.isWriteIndex(true)
                            .filter(f -> f.withJson(new StringReader(DeleteMarkers.aliasFilter().toString())))));
            LOG.info("{}: done", what);
        } catch (IOException e) {
            throw Failures.requestFailed(what, e);
        } catch (ElasticsearchException e) {
            if (!"resource_already_exists_exception".equals(e.error().type())) {
                throw new ApplyFailedException(what + " failed: " + e.getMessage(), Verdict.forRequest(e.status(),
                        e.error().type()) == Verdict.RETRY, e);
            }
        }
    }

    private void extend(String alias, ObjectNode mappings) throws ApplyFailedException {
        String what = "extending the mappings of " + alias;
        try {
            client.indices().putMapping(p -> p.index(alias).withJson(new StringReader(mappings.toString())));
        } catch (IOException e) {
            throw Failures.requestFailed(what, e);
        } catch (ElasticsearchException e) {
            if (Verdict.forRequest(e.status(), e.error().type()) != Verdict.REJECT) {
                throw Failures.requestFailed(what, e);
            }
            LOG.warn("{} failed, the index keeps its mappings: {}", what, e.getMessage());
        }
    }

    /** The configuration fingerprint {@code alias} was last fully built for; empty when none (or requested again). */
    Optional<String> builtFor(String alias) throws ApplyFailedException {
        String what = "reading the mapping of " + alias;
        try {
            for (var index : client.indices().getMapping(g -> g.index(alias)).result().values()) {
                Map<String, JsonData> meta = index.mappings().meta();
                JsonData built = meta == null ? null : meta.get(BUILT);
                if (built != null) {
                    return Optional.of(built.to(String.class));
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw Failures.requestFailed(what, e);
        } catch (ElasticsearchException e) {
            throw Failures.requestFailed(what, e);
        }
    }

    /** Records that {@code alias} is fully built for {@code fingerprint}. */
    void markBuilt(String alias, String fingerprint) throws ApplyFailedException {
        String what = "recording in the mapping of " + alias + " that it is built";
        try {
            client.indices().putMapping(p -> p.index(alias).meta(BUILT, JsonData.of(fingerprint)));
        } catch (IOException e) {
            throw Failures.requestFailed(what, e);
        } catch (ElasticsearchException e) {
            throw Failures.requestFailed(what, e);
        }
    }
}
