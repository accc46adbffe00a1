package io.tributary.subscriber.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.subscriber.events.RowJson;
import java.util.ArrayList;
import java.util.List;

/**
 * One page of a scan of every document behind an index or alias: what every page's search asks for, and what its
 * answer holds. The pages come in index order, as the engine's {@link ScanProtocol} walks them; a page holds at most
 * {@code size} hits whatever the index's size, and a page with fewer hits than asked for is the last. Only ids,
 * versions and routing are asked for, never {@code _source}. Pure.
 *
 * @param documents   each hit's address (its concrete index, id and routing) and version, in sort order
 * @param cursor      the point in time or scroll to ask the next page of (the engine may answer a new id with each
 *                    page)
 * @param searchAfter the sort values of the page's last hit; null when the page is empty
 * @param complete    false when shards failed or the search timed out, so documents may be missing from the page
 */
record ScanPage(List<ScannedDocument> documents, String cursor, JsonNode searchAfter, boolean complete) {

    /** The parts of a search answer {@link #read} reads. */
    static final String FILTER_PATH = ScanProtocol.CURSOR_FIELDS + ",timed_out,_shards.failed,hits.hits._index,hits.hits._id,"
            + "hits.hits._version,hits.hits._routing,hits.hits.sort";

    /**
     * A document as the scan found it.
     *
     * @param address its concrete index (behind an alias, the index's own name), id and routing ({@code ""}: none)
     * @param version its {@code _version}: the external version it was last written with
     */
    record ScannedDocument(DocumentAddress address, long version) {
    }

    ScanPage {
        documents = List.copyOf(documents);
    }

    /**
     * What the search for every page asks for, before the {@link ScanProtocol} adds its cursor and sort.
     *
     * @param query the documents to scan; null for every one
     */
    static ObjectNode search(int size, JsonNode query) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        if (query != null) {
            body.set("query", query);
        }
        body.put("size", size);
        body.put("_source", false);
        body.put("version", true);
        return body;
    }

    /**
     * Reads the answer to a page's search (filtered to {@link #FILTER_PATH}).
     *
     * @param cursor the cursor to ask the next page of, as {@link ScanProtocol#nextCursor} read it
     * @throws IllegalArgumentException naming the hit, when a hit lacks its index, id, version or sort values
     */
    static ScanPage read(JsonNode answer, String cursor) {
        List<ScannedDocument> documents = new ArrayList<>();
        JsonNode searchAfter = null;
        for (JsonNode hit : answer.path("hits").path("hits")) {
            JsonNode index = hit.get("_index");
            JsonNode id = hit.get("_id");
            JsonNode version = hit.get("_version");
            searchAfter = hit.get("sort");
            if (index == null || id == null || version == null || !version.canConvertToLong() || searchAfter == null) {
                throw new IllegalArgumentException("a hit of the scan lacks its _index, _id, _version or sort values"
                        + " (asked with version=true and a sort): " + hit);
            }
            documents.add(new ScannedDocument(new DocumentAddress(index.asText(), id.asText(),
                    hit.path("_routing").asText("")), version.asLong()));
        }
        boolean complete = !answer.path("timed_out").asBoolean(false) && answer.path("_shards").path("failed").asInt(0)
                == 0;
        return new ScanPage(documents, cursor, searchAfter, complete);
    }

    /** True when no page follows this one: it holds fewer than the {@code size} hits asked for. */
    boolean isLast(int size) {
        return documents.size() < size;
    }

    /**
     * A {@linkplain BulkAction#markDeleted mark} at {@code version} ({@code version_type=external}) of each document
     * of the page whose version is below it, at the document's own index and routing; documents at {@code version}
     * or above are left alone.
     */
    List<BulkAction> marksBelow(long version, RowJson marker) {
        List<BulkAction> marks = new ArrayList<>();
        for (ScannedDocument document : documents) {
            if (document.version() < version) {
                marks.add(BulkAction.markDeleted(document.address(), version, marker));
            }
        }
        return marks;
    }

    /**
     * A real delete of each document of the page (delete markers, by the purge's query), at its version + 1: above
     * the marker, and never a real change's version (a WAL position is 8-byte aligned), so a row written again since
     * the scan (a higher version) answers 409 and stays.
     */
    List<BulkAction> purges() {
        List<BulkAction> deletes = new ArrayList<>(documents.size());
        for (ScannedDocument document : documents) {
            deletes.add(BulkAction.delete(document.address(), document.version() + 1));
        }
        return deletes;
    }
}
