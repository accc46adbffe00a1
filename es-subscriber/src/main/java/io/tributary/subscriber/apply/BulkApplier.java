package io.tributary.subscriber.apply;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.VersionType;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.transport.TransportException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tributary.model.ChangeEvent;
import io.tributary.model.Operation;
import io.tributary.subscriber.mapping.DocumentIds;
import io.tributary.subscriber.mapping.IndexNaming;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Applies change events to Elasticsearch with the bulk API.
 *
 * <p><b>Replay-proof:</b> every write carries {@code version_type=external} with the change's LSN as version, so
 * Elasticsearch keeps the newest change of each row whatever order or how often changes arrive; a stale change
 * answers 409, which is counted and is not an error. Inserts, updates and snapshot reads index the whole row;
 * an update that changed the key deletes the old document too; a delete deletes; a truncate deletes the table's
 * index (this Elasticsearch has no delete-by-query), after applying everything before it.
 *
 * <p>{@link #apply} returns only when Elasticsearch accepted every event; otherwise it throws and the caller must
 * not commit the events' offsets. Used by one consumer thread at a time.
 */
public final class BulkApplier {

    private final ElasticsearchClient client;
    private final MeterRegistry metrics;
    private final Timer bulkLatency;

    public BulkApplier(ElasticsearchClient client, MeterRegistry metrics) {
        this.client = client;
        this.metrics = metrics;
        this.bulkLatency = Timer.builder("tributary.subscriber.bulk.latency")
                .description("Time of one bulk request to Elasticsearch")
                .publishPercentiles(0.5, 0.99)
                .register(metrics);
    }

    /** Applies {@code events} in order. */
    public void apply(List<ChangeEvent> events) throws ApplyFailedException {
        List<BulkOperation> pending = new ArrayList<>();
        for (ChangeEvent event : events) {
            if (event.op() == Operation.TRUNCATE) {
                executeBulk(pending);
                pending.clear();
                truncate(event);
            } else {
                addOperations(event, pending);
            }
        }
        executeBulk(pending);
    }

    private void addOperations(ChangeEvent event, List<BulkOperation> operations) throws ApplyFailedException {
        String index;
        try {
            index = IndexNaming.indexFor(event.tableId());
        } catch (IllegalArgumentException e) {
            throw new ApplyFailedException(e.getMessage(), false, e);
        }
        long version = event.source().lsn().value();
        String id = DocumentIds.idFor(event.key());
        switch (event.op()) {
            case CREATE, READ, UPDATE -> {
                String oldId = previousIdWhenKeyChanged(event);
                if (oldId != null) {
                    operations.add(BulkOperation.of(b -> b.delete(d -> d.index(index).id(oldId)
                            .version(version).versionType(VersionType.External))));
                }
                operations.add(BulkOperation.of(b -> b.index(i -> i.index(index).id(id)
                        .version(version).versionType(VersionType.External).document(event.after()))));
            }
            case DELETE -> operations.add(BulkOperation.of(b -> b.delete(d -> d.index(index).id(id)
                    .version(version).versionType(VersionType.External))));
            case TRUNCATE -> throw new IllegalStateException("truncates are applied on their own");
        }
    }

    /** The old document id when an update changed the row's key (the before image then holds the old key). */
    private static String previousIdWhenKeyChanged(ChangeEvent event) {
        if (event.op() != Operation.UPDATE || event.before() == null) {
            return null;
        }
        ObjectNode oldKey = JsonNodeFactory.instance.objectNode();
        for (Iterator<String> names = event.key().fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!event.before().has(name)) {
                return null;
            }
            oldKey.set(name, event.before().get(name));
        }
        return oldKey.equals(event.key()) ? null : DocumentIds.idFor(oldKey);
    }

    private void executeBulk(List<BulkOperation> operations) throws ApplyFailedException {
        if (operations.isEmpty()) {
            return;
        }
        BulkResponse response;
        long start = System.nanoTime();
        try {
            response = client.bulk(b -> b.operations(operations));
        } catch (IOException e) {
            throw unavailable(e);
        } catch (ElasticsearchException e) {
            throw new ApplyFailedException("Elasticsearch refused the bulk request: " + e.getMessage(),
                    isTransient(e.status()), e);
        } finally {
            bulkLatency.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
        List<String> failures = new ArrayList<>();
        boolean allTransient = true;
        for (BulkResponseItem item : response.items()) {
            if (item.error() == null) {
                metrics.counter("tributary.subscriber.documents", "index", item.index(),
                        "action", item.operationType().jsonValue()).increment();
            } else if (item.status() == 409 && "version_conflict_engine_exception".equals(item.error().type())) {
                metrics.counter("tributary.subscriber.version.conflicts", "index", item.index()).increment();
            } else {
                allTransient &= isTransient(item.status());
                failures.add(item.index() + "/" + item.id() + ": " + item.status() + " " + item.error().type()
                        + " " + item.error().reason());
            }
        }
        if (!failures.isEmpty()) {
            throw new ApplyFailedException("Elasticsearch rejected " + failures.size() + " of "
                    + response.items().size() + " operations, first: " + failures.subList(0, Math.min(3, failures.size())),
                    allTransient, null);
        }
    }

    private void truncate(ChangeEvent event) throws ApplyFailedException {
        String index = IndexNaming.indexFor(event.tableId());
        try {
            client.indices().delete(d -> d.index(index).ignoreUnavailable(true));
            metrics.counter("tributary.subscriber.truncates", "index", index).increment();
        } catch (IOException e) {
            throw unavailable(e);
        } catch (ElasticsearchException e) {
            throw new ApplyFailedException("cannot truncate " + event.tableId() + " (delete index " + index + "): "
                    + e.getMessage(), isTransient(e.status()), e);
        }
    }

    /** No answer, or an HTTP error without an Elasticsearch error body (a proxy, an overloaded node). */
    private static ApplyFailedException unavailable(IOException e) {
        int status = e instanceof TransportException transport ? transport.statusCode() : -1;
        boolean retriable = status < 0 || isTransient(status);
        return new ApplyFailedException((status < 0 ? "Elasticsearch is unreachable: "
                : "Elasticsearch answered HTTP " + status + ": ") + e.getMessage(), retriable, e);
    }

    private static boolean isTransient(int status) {
        return status == 429 || status >= 500;
    }
}
