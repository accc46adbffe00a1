package io.tributary.subscriber.consume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.model.ChangeEvent;
import io.tributary.model.ChangeEventJson;
import io.tributary.model.Lsn;
import io.tributary.model.MalformedChangeEventException;
import io.tributary.model.Operation;
import io.tributary.model.SourceInfo;
import io.tributary.subscriber.apply.ApplyFailedException;
import io.tributary.ops.RetryBackoff;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.internals.AutoOffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ChangeConsumerTest {

    private static final String TOPIC = "changes";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);

    private final MockConsumer<byte[], byte[]> kafka = new MockConsumer<>(AutoOffsetResetStrategy.EARLIEST.name());
    private final List<List<ChangeEvent>> applied = new ArrayList<>();
    private final AtomicInteger failuresToGo = new AtomicInteger();
    private boolean failForGood;

    private final ChangeConsumer loop = new ChangeConsumer(kafka, events -> {
        if (failForGood) {
            throw new ApplyFailedException("mapper_parsing_exception", false, null);
        }
        if (failuresToGo.getAndDecrement() > 0) {
            throw new ApplyFailedException("connection refused", true, null);
        }
        applied.add(events);
    }, Duration.ZERO, new RetryBackoff(Duration.ofMillis(1), Duration.ofMillis(2)), () -> false);

    @BeforeEach
    void assignTwoPartitions() {
        loop.subscribe(TOPIC);
        kafka.rebalance(List.of(P0, P1));
        kafka.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
    }

    private static byte[] event(long id, long lsn) {
        ObjectNode row = ChangeEventJson.mapper().createObjectNode().put("id", id);
        return ChangeEventJson.encode(new ChangeEvent(Operation.CREATE,
                new SourceInfo("app", "public", "t", Lsn.of(lsn), Lsn.of(lsn), 1, Instant.EPOCH), row, null, row));
    }

    private void add(TopicPartition partition, long offset, byte[] value) {
        kafka.addRecord(new ConsumerRecord<>(TOPIC, partition.partition(), offset, null, value));
    }

    @Test
    void commitsTheNextOffsetOfEachPartitionAfterTheBatchIsApplied() throws Exception {
        add(P0, 0, event(1, 10));
        add(P0, 1, event(2, 11));
        add(P1, 0, event(3, 12));

        loop.runOnce();

        assertEquals(1, applied.size());
        assertEquals(List.of(1L, 2L), applied.get(0).stream()
                .filter(e -> e.key().get("id").asLong() < 3).map(e -> e.key().get("id").asLong()).toList(),
                "partition 0 in offset order");
        assertEquals(2, kafka.committed(java.util.Set.of(P0)).get(P0).offset());
        assertEquals(1, kafka.committed(java.util.Set.of(P1)).get(P1).offset());
    }

    @Test
    void retriesWhileElasticsearchIsUnavailableAndCommitsOnlyAfterwards() throws Exception {
        add(P0, 0, event(1, 10));
        failuresToGo.set(3);

        loop.runOnce();

        assertEquals(1, applied.size());
        assertTrue(loop.isApplying());
        assertEquals(1, kafka.committed(java.util.Set.of(P0)).get(P0).offset());
        assertTrue(kafka.paused().isEmpty(), "partitions resumed after the retry");
    }

    @Test
    void aRejectedBatchIsNotCommitted() {
        add(P0, 0, event(1, 10));
        failForGood = true;

        assertThrows(ApplyFailedException.class, loop::runOnce);

        assertNull(kafka.committed(java.util.Set.of(P0)).get(P0));
    }

    @Test
    void aRecordThatIsNotAChangeEventIsNamedByPartitionAndOffset() {
        add(P1, 0, "{oops".getBytes());

        MalformedChangeEventException error = assertThrows(MalformedChangeEventException.class, loop::runOnce);

        assertTrue(error.getMessage().startsWith("record changes-1@0: not a change event"), error.getMessage());
        assertFalse(kafka.committed(java.util.Set.of(P1)).containsKey(P1) && kafka.committed(java.util.Set.of(P1)).get(P1) != null);
    }
}
