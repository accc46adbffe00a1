package io.tributary.inspector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.config.InvalidUsageException;
import io.tributary.model.ChangeEvent;
import io.tributary.model.ChangeEventJson;
import io.tributary.model.Lsn;
import io.tributary.model.Operation;
import io.tributary.model.SourceInfo;
import io.tributary.model.TableId;
import io.tributary.subscriber.consume.DeadLetterPublisher;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class DeadLetterSelectionTest {

    private static final DeadLetterRecord ORDER = DeadLetterRecord.read(letter(0, 7, order(), "changes", "2", "41",
            "document_parsing_exception", "index shop.orders/42: failed to parse field [qty] of type [long]"));
    private static final DeadLetterRecord GARBAGE = DeadLetterRecord.read(new ConsumerRecord<>("changes.dlq", 1, 3,
            0L, TimestampType.CREATE_TIME, 0, 0, "k".getBytes(StandardCharsets.UTF_8),
            "not json".getBytes(StandardCharsets.UTF_8), new RecordHeaders(), Optional.empty()));

    @Test
    void readsWhyWhereFromAndWhatRowFromTheHeadersAndTheValue() {
        assertEquals("document_parsing_exception", ORDER.kind());
        assertEquals("changes-2@41", ORDER.source());
        assertEquals(OptionalInt.of(2), ORDER.sourcePartition());
        assertEquals(OptionalLong.of(41), ORDER.sourceOffset());
        assertEquals(Optional.of(TableId.parse("shop.orders")), ORDER.table());
        assertEquals("{\"id\":42}", ORDER.key());
        assertEquals(Optional.of("u 0/2A"), ORDER.change());
        assertEquals(Instant.ofEpochMilli(1_700_000_000_000L), ORDER.time());
        assertEquals(41, ORDER.toJson().get("source").get("offset").asLong());
    }

    @Test
    void aLetterIsOlderThanTheMarkersAreKeptByItsCommitTimeOrElseByWhenItWasDeadLettered() {
        Instant now = Instant.EPOCH.plus(Duration.ofDays(7));

        assertEquals(Instant.EPOCH, ORDER.changeTime(), "the commit time, not the letter's");
        assertTrue(ORDER.olderThan(Duration.ofDays(6), now));
        assertFalse(ORDER.olderThan(Duration.ofDays(7), now));
        assertFalse(ORDER.olderThan(Duration.ofSeconds(Long.MAX_VALUE), now), "markers kept for ever");
        assertEquals(Instant.EPOCH, GARBAGE.changeTime(), "not a change event: when it was dead-lettered");
    }

    @Test
    void aRecordWithoutTheHeadersHasNoSourceAndIsShownByItsRecordKey() {
        assertFalse(GARBAGE.hasSource());
        assertEquals("(unknown)", GARBAGE.source());
        assertEquals(Optional.empty(), GARBAGE.table());
        assertEquals("k", GARBAGE.key());
        assertTrue(GARBAGE.toJson().get("source").get("partition").isNull());
    }

    @Test
    void everyGivenCriterionMustHold() {
        assertTrue(select(List.of(), List.of(), null, List.of()).isEmpty());
        assertTrue(select(List.of("shop.orders"), List.of(), null, List.of()).matches(ORDER));
        assertFalse(select(List.of("shop.orders"), List.of(), null, List.of()).matches(GARBAGE));
        assertFalse(select(List.of("shop.items"), List.of(), null, List.of()).matches(ORDER));
        assertTrue(select(List.of(), List.of("DOCUMENT_PARSING_EXCEPTION"), null, List.of()).matches(ORDER));
        assertTrue(select(List.of(), List.of("nothing", "field [qty]"), null, List.of()).matches(ORDER));
        assertFalse(select(List.of(), List.of("version"), null, List.of()).matches(ORDER));
        assertTrue(select(List.of(), List.of(), "5-7", List.of(0)).matches(ORDER));
        assertFalse(select(List.of(), List.of(), "8-9", List.of()).matches(ORDER));
        assertTrue(select(List.of(), List.of(), "3", List.of()).matches(GARBAGE));
        assertFalse(select(List.of(), List.of(), "3", List.of(0)).matches(GARBAGE));
        assertFalse(select(List.of("shop.orders"), List.of("version"), null, List.of()).matches(ORDER));
    }

    @Test
    void anUnreadableOffsetRangeIsAUsageMistakeNamingIt() {
        for (String text : List.of("x", "9-3", "1-2-3", "-4", "")) {
            InvalidUsageException mistake = assertThrows(InvalidUsageException.class,
                    () -> select(List.of(), List.of(), text, List.of()));
            assertTrue(mistake.getMessage().contains("--offsets '" + text + "'"), mistake.getMessage());
        }
    }

    private static DeadLetterSelection select(List<String> tables, List<String> reasons, String offsets,
                                              List<Integer> partitions) {
        return DeadLetterSelection.parse(tables, reasons, offsets, partitions);
    }

    private static ChangeEvent order() {
        ObjectNode row = ChangeEventJson.mapper().createObjectNode().put("id", 42).put("qty", "lots");
        return new ChangeEvent(Operation.UPDATE, new SourceInfo("app", "shop", "orders", Lsn.of(42), Lsn.of(42), 1,
                Instant.EPOCH), ChangeEventJson.mapper().createObjectNode().put("id", 42), null, row);
    }

    private static ConsumerRecord<byte[], byte[]> letter(int partition, long offset, ChangeEvent event, String topic,
                                                         String sourcePartition, String sourceOffset, String kind,
                                                         String reason) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(DeadLetterPublisher.TOPIC, topic.getBytes(StandardCharsets.UTF_8));
        headers.add(DeadLetterPublisher.PARTITION, sourcePartition.getBytes(StandardCharsets.UTF_8));
        headers.add(DeadLetterPublisher.OFFSET, sourceOffset.getBytes(StandardCharsets.UTF_8));
        headers.add(DeadLetterPublisher.KIND, kind.getBytes(StandardCharsets.UTF_8));
        headers.add(DeadLetterPublisher.REASON, reason.getBytes(StandardCharsets.UTF_8));
        return new ConsumerRecord<>(topic + ".dlq", partition, offset, 1_700_000_000_000L, TimestampType.CREATE_TIME,
                0, 0, ChangeEventJson.encodeKey(event), ChangeEventJson.encode(event), headers, Optional.empty());
    }
}
