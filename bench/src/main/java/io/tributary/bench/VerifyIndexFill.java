package io.tributary.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.model.ChangeEventJson;
import io.tributary.verifier.ExpectedDocuments;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Fills a table's index with the documents the pipeline would have written, as fast as this machine allows, before
 * the verify benchmark times anything: the rows are read and shaped by {@link ExpectedDocuments} (the verifier's own
 * reading and conversion), one {@code _bulk} request per chunk, {@value #CONCURRENT_REQUESTS} requests in flight
 * while the next chunk is read. The index is created as the subscriber creates it on its first write (the derived
 * mappings), with {@code refresh_interval: -1} while loading; afterwards the setting is reset to the default and
 * the index refreshed once. Documents carry {@code version_type=external} with one version, as an initial snapshot's
 * read events share one.
 */
final class VerifyIndexFill {

    /** Requests in flight: Elasticsearch indexes on both cores while the harness reads the next chunk. */
    static final int CONCURRENT_REQUESTS = 2;

    private static final ObjectMapper JSON = ChangeEventJson.mapper();

    private VerifyIndexFill() {
    }

    /** @return the documents sent */
    static long fill(ExpectedDocuments documents, ElasticsearchRest elasticsearch, long version, Duration timeout)
            throws SQLException, IOException, InterruptedException {
        String index = documents.target();
        elasticsearch.deleteIndices(List.of(index));
        long deadline = System.nanoTime() + timeout.toNanos();
        ExecutorService senders = Executors.newFixedThreadPool(CONCURRENT_REQUESTS);
        // One more request may wait, built, for a sender; the reader blocks beyond that.
        Semaphore slots = new Semaphore(CONCURRENT_REQUESTS + 1);
        List<Future<Void>> requests = new ArrayList<>();
        long sent = 0;
        try {
            for (List<ExpectedDocuments.Document> chunk = documents.nextChunk(); !chunk.isEmpty();
                 chunk = documents.nextChunk()) {
                if (sent == 0) {
                    elasticsearch.createIndex(index, creationBody(documents.indexMappings()));
                }
                byte[] body = bulkBody(index, chunk, version);
                slots.acquire();
                requests.add(senders.submit(() -> {
                    try {
                        elasticsearch.bulk(body);
                        return null;
                    } finally {
                        slots.release();
                    }
                }));
                sent += chunk.size();
                requests = checkDone(requests, index);
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("filling " + index + " took more than " + timeout.toMinutes()
                            + " min (" + sent + " documents sent)");
                }
            }
            for (Future<Void> request : requests) {
                await(request, index);
            }
        } finally {
            senders.shutdownNow();
        }
        ObjectNode defaults = JSON.createObjectNode();
        defaults.putObject("index").putNull("refresh_interval");
        elasticsearch.putSettings(index, defaults);
        long counted = elasticsearch.count(List.of(index)); // refreshes first
        if (counted != sent) {
            throw new IllegalStateException("index " + index + " holds " + counted + " documents after " + sent
                    + " were indexed");
        }
        return sent;
    }

    private static ObjectNode creationBody(ObjectNode mappings) {
        ObjectNode body = JSON.createObjectNode();
        body.set("mappings", mappings);
        body.putObject("settings").putObject("index").put("refresh_interval", "-1");
        return body;
    }

    private static byte[] bulkBody(String index, List<ExpectedDocuments.Document> chunk, long version)
            throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream(chunk.size() * 400);
        for (ExpectedDocuments.Document document : chunk) {
            ObjectNode action = JSON.createObjectNode();
            ObjectNode write = action.putObject("index");
            write.put("_index", index).put("_id", document.id()).put("version", version)
                    .put("version_type", "external");
            if (!document.routing().isEmpty()) {
                write.put("routing", document.routing());
            }
            JSON.writeValue(body, action);
            body.write('\n');
            JSON.writeValue(body, document.source());
            body.write('\n');
        }
        return body.toByteArray();
    }

    /** The requests still running; throws the failure of one that failed. */
    private static List<Future<Void>> checkDone(List<Future<Void>> requests, String index)
            throws IOException, InterruptedException {
        List<Future<Void>> running = new ArrayList<>();
        for (Future<Void> request : requests) {
            if (request.isDone()) {
                await(request, index);
            } else {
                running.add(request);
            }
        }
        return running;
    }

    private static void await(Future<Void> request, String index) throws IOException, InterruptedException {
        try {
            request.get();
        } catch (ExecutionException e) {
            throw new IOException("filling index " + index + " failed: " + e.getCause().getMessage(), e.getCause());
        }
    }
}
