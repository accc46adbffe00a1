package io.tributary.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.model.ChangeEventJson;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.elasticsearch.client.Request;

/**
 * The requests that walk every document of an index or alias a page at a time, on a consistent view of it (writes
 * made meanwhile do not move the pages), one strategy per engine: the scan itself ({@link IndexScan}, the verifier's)
 * is written once. A scan holds a <em>cursor</em>, the id of the engine's view: it asks for pages until one holds
 * fewer hits than asked for, takes each answer's cursor for the next page, and closes the last cursor.
 *
 * <ul>
 *   <li>{@link #POINT_IN_TIME} (Elasticsearch): a point in time opened first, pages sorted {@code [_doc, _shard_doc]}
 *       (a total order across shards) and continued with {@code search_after}. Not by {@code _shard_doc} alone:
 *       before Elasticsearch's fix (elastic/elasticsearch#155559) that sort skips nothing, and every page would walk
 *       the rest of the index; {@code _doc} first lets each shard start right after the previous page.
 *   <li>{@link #SCROLL} (OpenSearch, which has no {@code _shard_doc} sort): a scroll sorted by {@code _doc}, opened by
 *       its first page; each next page is asked of the scroll id alone.
 * </ul>
 *
 * <p>Pure: it builds requests and reads cursors; the caller sends them.
 */
public enum ScanProtocol {

    POINT_IN_TIME {
        @Override
        public Optional<Request> open(String target, String keepAlive) {
            Request open = new Request("POST", path(target) + "/_pit");
            open.addParameter("keep_alive", keepAlive);
            return Optional.of(open);
        }

        @Override
        public String openedCursor(JsonNode answer) {
            return answer.path("id").asText("");
        }

        @Override
        public Request page(String target, String cursor, String keepAlive, ObjectNode search, JsonNode searchAfter) {
            ObjectNode body = search.deepCopy();
            body.put("track_total_hits", false);
            body.putObject("pit").put("id", cursor).put("keep_alive", keepAlive);
            body.putArray("sort").add(ChangeEventJson.mapper().createObjectNode().put("_doc", "asc"))
                    .add(ChangeEventJson.mapper().createObjectNode().put("_shard_doc", "asc"));
            if (searchAfter != null) {
                body.set("search_after", searchAfter);
            }
            Request request = new Request("POST", "/_search");
            request.setJsonEntity(body.toString());
            return request;
        }

        @Override
        public String nextCursor(JsonNode answer, String cursor) {
            return answer.path("pit_id").asText(cursor);
        }

        @Override
        public Request close(String cursor) {
            Request close = new Request("DELETE", "/_pit");
            close.setJsonEntity(ChangeEventJson.mapper().createObjectNode().put("id", cursor).toString());
            return close;
        }
    },

    SCROLL {
        @Override
        public Optional<Request> open(String target, String keepAlive) {
            return Optional.empty();
        }

        @Override
        public String openedCursor(JsonNode answer) {
            throw new IllegalStateException("a scroll is opened by its first page");
        }

        @Override
        public Request page(String target, String cursor, String keepAlive, ObjectNode search, JsonNode searchAfter) {
            if (cursor == null) {
                ObjectNode body = search.deepCopy();
                body.putArray("sort").add(ChangeEventJson.mapper().createObjectNode().put("_doc", "asc"));
                Request first = new Request("POST", path(target) + "/_search");
                first.addParameter("scroll", keepAlive);
                first.setJsonEntity(body.toString());
                return first;
            }
            Request next = new Request("POST", "/_search/scroll");
            next.setJsonEntity(ChangeEventJson.mapper().createObjectNode().put("scroll", keepAlive)
                    .put("scroll_id", cursor).toString());
            return next;
        }

        @Override
        public String nextCursor(JsonNode answer, String cursor) {
            return answer.path("_scroll_id").asText(cursor);
        }

        @Override
        public Request close(String cursor) {
            Request close = new Request("DELETE", "/_search/scroll");
            close.setJsonEntity(ChangeEventJson.mapper().createObjectNode().put("scroll_id", cursor).toString());
            return close;
        }
    };

    /** The answer fields {@link #nextCursor} reads, for a {@code filter_path}. */
    public static final String CURSOR_FIELDS = "pit_id,_scroll_id";

    /**
     * The request that opens the scan's view of {@code target} before its first page; empty when the first page
     * opens it (then {@link #page} gets a null cursor).
     */
    public abstract Optional<Request> open(String target, String keepAlive);

    /** The cursor in the answer to {@link #open}; empty text when it names none. */
    public abstract String openedCursor(JsonNode answer);

    /**
     * The request for the next page.
     *
     * @param cursor      the last answer's cursor; null for the first page when {@link #open} gave no request
     * @param search      {@code size}, {@code query}, {@code _source}, {@code version}: what every page asks for
     * @param searchAfter the sort values of the previous page's last hit; null for the first page
     */
    public abstract Request page(String target, String cursor, String keepAlive, ObjectNode search,
                                 JsonNode searchAfter);

    /** The cursor to ask the next page of: the answer's, or {@code cursor} when it names none. */
    public abstract String nextCursor(JsonNode answer, String cursor);

    /** The request that releases the view; should it fail, the view expires after its keep-alive anyway. */
    public abstract Request close(String cursor);

    private static String path(String target) {
        return "/" + URLEncoder.encode(target, StandardCharsets.UTF_8);
    }
}
