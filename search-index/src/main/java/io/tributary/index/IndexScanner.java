package io.tributary.index;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Optional;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.RestClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scans every document of an index or alias that a query matches, a {@link ScanPage} at a time, through the engine's
 * {@link ScanProtocol}: a point in time (or a scroll), so memory stays at one page whatever the index's size, and
 * writes made meanwhile do not move the pages. A page whose search timed out or on which shards failed fails the scan
 * (documents may be missing from it), as does a page that cannot be read. The one scan loop of the subscriber
 * (truncates, sweeps, the marker purge, document builds) and of the verifier (extra documents); how each request is
 * sent and what a failure becomes is the caller's ({@link Requests}). Searching an alias applies its filter.
 * Immutable; each {@link Pages} is used by one thread.
 */
public final class IndexScanner {

    private static final Logger LOG = LoggerFactory.getLogger(IndexScanner.class);

    /**
     * How a scan's requests are sent and its failures made, in the caller's terms.
     *
     * @param <E> what the caller's requests throw, and what a scan that cannot go on becomes
     */
    public interface Requests<E extends Exception> {

        /**
         * Sends {@code request} and reads its JSON answer.
         *
         * @return empty when the index or alias does not exist
         */
        Optional<JsonNode> perform(Request request, String what) throws E;

        /**
         * The scan cannot go on: {@code retriable} when a new scan may succeed (the caller says what happens next);
         * {@code cause} may be null.
         */
        E failed(String message, boolean retriable, Exception cause);
    }

    private final RestClient restClient;
    private final ScanProtocol protocol;
    private final int pageSize;
    private final String keepAlive;

    /**
     * @param pageSize  documents per page at most
     * @param keepAlive how long a point in time or scroll lives between two pages ({@code 1m})
     */
    public IndexScanner(RestClient restClient, ScanProtocol protocol, int pageSize, String keepAlive) {
        if (pageSize < 1) {
            throw new IllegalArgumentException("a scan's page size must be at least 1, got " + pageSize);
        }
        this.restClient = restClient;
        this.protocol = protocol;
        this.pageSize = pageSize;
        this.keepAlive = keepAlive;
    }

    public int pageSize() {
        return pageSize;
    }

    /**
     * Opens a scan of the documents of {@code target} that {@code query} matches, and reads its first page.
     *
     * @param query null for every document
     * @param what  what the scan is for, at the start of every failure's message
     * @return empty when there is no such index or alias
     */
    public <E extends Exception> Optional<Pages<E>> open(String target, JsonNode query, String what,
                                                         Requests<E> requests) throws E {
        String cursor = null;
        Optional<Request> open = protocol.open(target, keepAlive);
        if (open.isPresent()) {
            Optional<JsonNode> opened = requests.perform(open.get(), what + ": opening a point in time on " + target);
            if (opened.isEmpty()) {
                return Optional.empty();
            }
            cursor = protocol.openedCursor(opened.get());
            if (cursor.isEmpty()) {
                throw requests.failed(what + " failed: opening a point in time on " + target + " answered no id: "
                        + opened.get(), false, null);
            }
        }
        Pages<E> pages = new Pages<>(target, query, what, requests, cursor);
        try {
            String reading = pages.reading();
            Optional<ScanPage> first = pages.read();
            if (first.isEmpty() && cursor == null) {
                return Optional.empty(); // a scroll's first page: there is no such index or alias
            }
            pages.first = first.orElseThrow(() -> pages.gone(reading));
        } catch (Exception e) {
            pages.close();
            throw e;
        }
        return Optional.of(pages);
    }

    /** The pages of one scan, in order. Close it to release the point in time or scroll. */
    public final class Pages<E extends Exception> implements AutoCloseable {

        private final String target;
        private final JsonNode query;
        private final String what;
        private final Requests<E> requests;
        private String cursor;
        private JsonNode searchAfter;
        private ScanPage first;
        private boolean exhausted;
        private long scanned;

        private Pages(String target, JsonNode query, String what, Requests<E> requests, String cursor) {
            this.target = target;
            this.query = query;
            this.what = what;
            this.requests = requests;
            this.cursor = cursor;
        }

        /**
         * The next page; empty once the last was returned.
         *
         * @throws E retriable when the index went away during the scan, or shards failed, or the search timed out;
         *           not retriable when a page cannot be read
         */
        public Optional<ScanPage> next() throws E {
            if (first != null) {
                ScanPage page = first;
                first = null;
                return Optional.of(page);
            }
            if (exhausted) {
                return Optional.empty();
            }
            String reading = reading();
            return Optional.of(read().orElseThrow(() -> gone(reading)));
        }

        private E gone(String reading) {
            return requests.failed(reading + " failed: the index went away during the scan", true, null);
        }

        /** Reads the page after the last one read; empty when the index or alias does not exist. */
        private Optional<ScanPage> read() throws E {
            Request search = protocol.page(target, cursor, keepAlive, ScanPage.search(pageSize, query), searchAfter);
            search.addParameter("filter_path", ScanPage.FILTER_PATH);
            String reading = reading();
            Optional<JsonNode> answered = requests.perform(search, reading);
            if (answered.isEmpty()) {
                return Optional.empty();
            }
            ScanPage page;
            try {
                page = ScanPage.read(answered.get(), protocol.nextCursor(answered.get(), cursor));
            } catch (IllegalArgumentException e) {
                throw requests.failed(reading + " failed: " + e.getMessage(), false, e);
            }
            cursor = page.cursor();
            if (!page.complete()) {
                throw requests.failed(reading + " failed: some shards failed or the search timed out, so documents"
                        + " may be missing", true, null);
            }
            scanned += page.documents().size();
            searchAfter = page.searchAfter();
            exhausted = page.isLast(pageSize);
            return Optional.of(page);
        }

        private String reading() {
            return what + ": reading documents " + scanned + " and on of " + target;
        }

        /** Releases the point in time or scroll; should that fail, it expires after its keep-alive anyway. */
        @Override
        public void close() {
            if (cursor == null) {
                return;
            }
            try {
                restClient.performRequest(protocol.close(cursor));
            } catch (IOException e) {
                LOG.debug("{}: closing the scan's view failed, it expires in {}: {}", what, keepAlive, e.toString());
            }
            cursor = null;
        }
    }
}
