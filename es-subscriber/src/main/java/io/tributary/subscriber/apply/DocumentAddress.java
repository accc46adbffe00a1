package io.tributary.subscriber.apply;

/** Where a row's document lives in Elasticsearch. */
record DocumentAddress(String index, String id) {

    @Override
    public String toString() {
        return index + "/" + id;
    }
}
