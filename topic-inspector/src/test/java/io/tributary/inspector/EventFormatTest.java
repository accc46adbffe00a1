package io.tributary.inspector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.inspector.TopicRecord.Change;
import io.tributary.inspector.TopicRecord.Undecodable;
import io.tributary.model.ChangeEvent;
import io.tributary.model.ChangeEventJson;
import io.tributary.model.ChangeRecordEncoder;
import io.tributary.model.Envelope;
import io.tributary.model.Lsn;
import io.tributary.model.Operation;
import io.tributary.model.SourceInfo;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class EventFormatTest {

    @Test
    void textShowsWhereWhatWhichRowWhenAndTheRows() {
        ChangeEvent update = new ChangeEvent(Operation.UPDATE,
                new SourceInfo("app", "shop", "orders", Lsn.parse("0/1A2B3C8"), Lsn.parse("0/1A2B4F0"), 771,
                        Events.COMMIT),
                Events.json("{\"id\":42}"), Events.json("{\"id\":42,\"status\":\"new\"}"),
                Events.json("{\"id\":42,\"status\":\"shipped\"}"), java.util.List.of("notes"));

        String text = EventFormat.TEXT.format(new Change(2, 17, update));

        assertEquals("""
                partition 2 offset 17  u update  shop.orders  key {"id":42}  lsn 0/1A2B3C8  commit 2026-11-22T06:00:00.123456Z
                  before {"id":42,"status":"new"}
                  after  {"id":42,"status":"shipped"}
                  unchanged notes
                """, text);
    }

    @Test
    void textLeavesOutRowsTheEventDoesNotHave() {
        String truncate = EventFormat.TEXT.format(new Change(0, 3, Events.of(Operation.TRUNCATE, "shop.orders", 0, 9)));

        assertTrue(truncate.startsWith("partition 0 offset 3  t truncate  shop.orders  key -  lsn "), truncate);
        assertFalse(truncate.contains("before") || truncate.contains("after"), truncate);
        String sweep = EventFormat.TEXT.format(new Change(0, 4, Events.of(Operation.SWEEP, "shop.orders", 0, 100)));
        assertTrue(sweep.startsWith("partition 0 offset 4  s sweep  shop.orders  key -  lsn 0/64  "), sweep);
        assertFalse(sweep.contains("before") || sweep.contains("after"), sweep);
    }

    @Test
    void anUndecodableRecordIsShownWithItsPlaceReasonAndKey() {
        TopicRecord record = TopicRecord.decode(new ConsumerRecord<>("t", 1, 5, "k1".getBytes(StandardCharsets.UTF_8),
                "not json".getBytes(StandardCharsets.UTF_8)));

        String text = EventFormat.TEXT.format(record);

        assertTrue(record instanceof Undecodable);
        assertTrue(text.startsWith("partition 1 offset 5  UNDECODABLE  not a change event: "), text);
        assertTrue(text.endsWith("(record key: k1)\n"), text);
    }

    @Test
    void aDebeziumShapedRecordIsShownAsTheChangeItCarries() {
        ChangeEvent event = Events.of(Operation.CREATE, "shop.orders", 7, 100);
        ChangeRecordEncoder.Encoded encoded = new ChangeRecordEncoder(Envelope.DEBEZIUM).encode(event);

        TopicRecord record = TopicRecord.decode(new ConsumerRecord<>("t", 1, 5, 0L, TimestampType.CREATE_TIME,
                encoded.key().length, encoded.value().length, encoded.key(), encoded.value(),
                new RecordHeaders(encoded.headers().toArray(Header[]::new)), Optional.empty()));

        assertEquals(new Change(1, 5, event), record);
    }

    @Test
    void aTombstoneIsUndecodableWithoutAKey() {
        TopicRecord record = TopicRecord.decode(new ConsumerRecord<byte[], byte[]>("t", 0, 0, null, null));

        assertTrue(EventFormat.TEXT.format(record).contains("(record key: (none))"));
    }

    @Test
    void jsonIsOneLinePerRecordHoldingTheEventAsOnTheTopic() throws Exception {
        ChangeEvent event = Events.of(Operation.CREATE, "shop.orders", 7, 100);

        String line = EventFormat.JSON.format(new Change(1, 9, event));
        JsonNode parsed = ChangeEventJson.mapper().readTree(line);

        assertEquals(1, line.lines().count());
        assertEquals(1, parsed.get("partition").asInt());
        assertEquals(9, parsed.get("offset").asLong());
        assertEquals(event, ChangeEventJson.decode(ChangeEventJson.mapper().writeValueAsBytes(parsed.get("event"))));
    }

    @Test
    void jsonOfAnUndecodableRecordSaysWhy() throws Exception {
        String line = EventFormat.JSON.format(new Undecodable(0, 4, "(none)", "the record has no value"));

        JsonNode parsed = ChangeEventJson.mapper().readTree(line);
        assertEquals("the record has no value", parsed.get("undecodable").asText());
        assertEquals(4, parsed.get("offset").asLong());
    }
}
