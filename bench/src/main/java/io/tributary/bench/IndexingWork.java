package io.tributary.bench;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What Elasticsearch spent writing, over every index of the node, from its {@code _stats/indexing,refresh,merge,get}
 * (totals since each index was created; the difference of two readings is the work of what ran between, including
 * merges a phase left behind that finish in the next): documents indexed (a nested array's items are documents of
 * their own in Lucene, but count once here) and the time spent on them, refreshes (internal ones too: a real-time get
 * of a document not yet refreshed makes one), merges, and real-time gets.
 */
record IndexingWork(long indexed, long indexMillis, long refreshes, long refreshMillis, long merges,
                    long mergeMillis, long mergedDocuments, long gets) {

    /** @param stats the answer of {@code GET /_stats/indexing,refresh,merge,get} */
    static IndexingWork of(JsonNode stats) {
        JsonNode total = stats.path("_all").path("total");
        JsonNode indexing = total.path("indexing");
        JsonNode refresh = total.path("refresh");
        JsonNode merges = total.path("merges");
        return new IndexingWork(indexing.path("index_total").asLong(), indexing.path("index_time_in_millis").asLong(),
                refresh.path("total").asLong(), refresh.path("total_time_in_millis").asLong(),
                merges.path("total").asLong(), merges.path("total_time_in_millis").asLong(),
                merges.path("total_docs").asLong(), total.path("get").path("total").asLong());
    }

    IndexingWork minus(IndexingWork earlier) {
        return new IndexingWork(indexed - earlier.indexed, indexMillis - earlier.indexMillis,
                refreshes - earlier.refreshes, refreshMillis - earlier.refreshMillis, merges - earlier.merges,
                mergeMillis - earlier.mergeMillis, mergedDocuments - earlier.mergedDocuments, gets - earlier.gets);
    }

    /** {@code 100,000 indexed in 12.3 s, 40 refreshes (3.1 s), 5 merges (8.2 s, 150,000 docs), 0 gets}. */
    String describe() {
        return String.format("%,d indexed in %.1f s, %,d refreshes (%.1f s), %,d merges (%.1f s, %,d docs), %,d gets",
                indexed, indexMillis / 1000.0, refreshes, refreshMillis / 1000.0, merges, mergeMillis / 1000.0,
                mergedDocuments, gets);
    }
}
