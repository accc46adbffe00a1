package io.tributary.index;

/**
 * Where a row's document lives in Elasticsearch.
 *
 * @param index   the index or alias written to
 * @param routing the routing value; empty when the document is routed by its id
 */
public record DocumentAddress(String index, String id, String routing) {

    @Override
    public String toString() {
        return index + "/" + id + (routing.isEmpty() ? "" : "?routing=" + routing);
    }
}
