package io.tributary.subscriber.consume;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A record that can never be applied, on its way to the dead-letter topic.
 *
 * @param record the original record, whose key, value and headers are kept
 * @param kind   a short, stable name of the reason (a metric tag)
 * @param reason what went wrong, for people
 * @param index  the Elasticsearch index it was meant for; empty when unknown
 * @param id     the document id; empty when unknown
 * @param row    the table and key for the log ({@code shop.orders {"id":42}}), or the record key's text when the
 *               record is not a change event
 */
record DeadLetter(ConsumerRecord<byte[], byte[]> record, String kind, String reason, String index, String id,
                  String row) {

    /** {@code topic-partition@offset}. */
    String source() {
        return record.topic() + "-" + record.partition() + "@" + record.offset();
    }
}
