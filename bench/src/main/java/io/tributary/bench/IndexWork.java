package io.tributary.bench;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What Elasticsearch spent serving reads of one index, from its {@code _stats/get,search} (totals since the index
 * was created): real-time gets ({@code _mget} counts each document), and searches in their query and fetch phases
 * (a point-in-time scan's pages are searches). The difference of two readings is the work of what ran between.
 *
 * @param gets         documents fetched by id
 * @param getMillis    time spent on them
 * @param queries      search requests' query phases (one per shard and page)
 * @param queryMillis  time spent in query phases
 * @param fetchMillis  time spent in fetch phases (ids and versions of a page's hits)
 */
record IndexWork(long gets, long getMillis, long queries, long queryMillis, long fetchMillis) {

    /** @param stats the answer of {@code GET /<index>/_stats/get,search} */
    static IndexWork of(JsonNode stats, String index) {
        JsonNode total = stats.path("indices").path(index).path("total");
        JsonNode get = total.path("get");
        JsonNode search = total.path("search");
        return new IndexWork(get.path("total").asLong(), get.path("time_in_millis").asLong(),
                search.path("query_total").asLong(), search.path("query_time_in_millis").asLong(),
                search.path("fetch_time_in_millis").asLong());
    }

    IndexWork minus(IndexWork earlier) {
        return new IndexWork(gets - earlier.gets, getMillis - earlier.getMillis, queries - earlier.queries,
                queryMillis - earlier.queryMillis, fetchMillis - earlier.fetchMillis);
    }
}
