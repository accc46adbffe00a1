package io.tributary.producer.decoding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.model.ChangeEvent;
import io.tributary.model.ChangeEventJson;
import io.tributary.model.ChangeRecord;
import io.tributary.model.ChangeRecordEncoder;
import io.tributary.model.DebeziumEventReader;
import io.tributary.model.Envelope;
import io.tributary.model.Lsn;
import io.tributary.model.Operation;
import io.tributary.producer.decoding.ReplicationMessage.Begin;
import io.tributary.producer.decoding.ReplicationMessage.Column;
import io.tributary.producer.decoding.ReplicationMessage.Delete;
import io.tributary.producer.decoding.ReplicationMessage.Insert;
import io.tributary.producer.decoding.ReplicationMessage.Relation;
import io.tributary.producer.decoding.ReplicationMessage.Update;
import io.tributary.shaping.JsonMode;
import io.tributary.shaping.NumericMode;
import io.tributary.shaping.PgTypes;
import io.tributary.shaping.ValueConverter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/**
 * The producer's streamed changes in the Debezium envelope: written from the decoded values as their tree form is
 * ({@link ChangeRecord#toEvent()} is the reference), json columns as Debezium's strings, and read back into the very
 * change the Tributary envelope carries.
 */
class DebeziumEnvelopeEncodingTest {

    private static final Relation DOCS = new Relation(10, "shop", "docs", 'd', List.of(
            new Column(true, "id", ValueConverter.INT8, -1),
            new Column(false, "total", ValueConverter.NUMERIC, -1),
            new Column(false, "body", ValueConverter.JSONB, -1),
            new Column(false, "raw", ValueConverter.JSON, -1),
            new Column(false, "note", ValueConverter.TEXT, -1)));

    private static ChangeAssembler assembler(JsonMode jsonMode) {
        ChangeAssembler assembler = new ChangeAssembler("app",
                new ValueConverter(PgTypes.builtIn(), NumericMode.STRING, jsonMode));
        assembler.acceptAsEvents(DOCS, Lsn.of(90));
        assembler.acceptAsEvents(new Begin(Lsn.of(500), Instant.parse("2026-11-22T06:00:00.000123Z"), 42),
                Lsn.of(100));
        return assembler;
    }

    private static TupleData.Text utf8(String text) {
        byte[] bytes = ("xx" + text).getBytes(StandardCharsets.UTF_8);
        return TupleData.Text.ofUtf8(bytes, 2, bytes.length - 2);
    }

    private static TupleData row(String id, String total, String body, String raw, TupleData.Value note) {
        return new TupleData(List.of(new TupleData.Text(id), new TupleData.Text(total), utf8(body),
                new TupleData.Text(raw), note));
    }

    private static List<ReplicationMessage> changes() {
        return List.of(
                new Insert(10, row("1", "12.50", "{\"a\": 1.50, \"b\": [1, \"x\"]}", "{\"k\":1,\"k\":2}",
                        utf8("café"))),
                new Update(10, ' ', null, row("1", "13.00", "{\"a\": 2}", "[]", new TupleData.UnchangedToast())),
                new Update(10, 'K', keyOnly("1"), row("2", "13.00", "{\"a\": 2}", "[]", utf8("moved"))),
                new Delete(10, 'K', keyOnly("2")));
    }

    private static TupleData keyOnly(String id) {
        return new TupleData(List.of(new TupleData.Text(id), new TupleData.Null(), new TupleData.Null(),
                new TupleData.Null(), new TupleData.Null()));
    }

    @Test
    void theStreamedDebeziumEventIsItsTreesByteForByteWithJsonColumnsAsText() throws Exception {
        ChangeAssembler assembler = assembler(JsonMode.TEXT);
        ChangeRecordEncoder streamed = new ChangeRecordEncoder(Envelope.DEBEZIUM);
        ChangeRecordEncoder trees = new ChangeRecordEncoder(Envelope.DEBEZIUM);
        long lsn = 110;
        for (ReplicationMessage message : changes()) {
            ChangeRecord record = assembler.accept(message, Lsn.of(lsn++)).get(0);

            List<ChangeRecordEncoder.Encoded> fromValues = streamed.encodeAll(record);
            List<ChangeRecordEncoder.Encoded> fromTree = trees.encodeAll(record.toEvent());

            String op = record.op().code();
            assertEquals(fromTree.size(), fromValues.size(), op);
            for (int i = 0; i < fromTree.size(); i++) {
                assertEquals(new String(fromTree.get(i).value(), StandardCharsets.UTF_8),
                        new String(fromValues.get(i).value(), StandardCharsets.UTF_8), op);
                assertArrayEquals(fromTree.get(i).key(), fromValues.get(i).key(), op);
                assertArrayEquals(fromTree.get(i).routingKey(), fromValues.get(i).routingKey(), op);
                assertEquals(fromTree.get(i).headers(), fromValues.get(i).headers(), op);
            }
        }
        ChangeRecord insert = assembler(JsonMode.TEXT).accept(changes().get(0), Lsn.of(110)).get(0);
        JsonNode after = ChangeEventJson.mapper().readTree(streamed.encode(insert).value()).get("after");
        assertEquals("{\"a\": 1.50, \"b\": [1, \"x\"]}", after.get("body").textValue(), "jsonb as PostgreSQL printed it");
        assertEquals("{\"k\":1,\"k\":2}", after.get("raw").textValue(), "json as the client wrote it");
        assertEquals("12.50", after.get("total").textValue(), "numeric as decimal.handling.mode = string");
    }

    @Test
    void aDebeziumEventReadsBackAsTheChangeTributarysEnvelopeCarries() {
        ChangeAssembler debezium = assembler(JsonMode.TEXT);
        ChangeAssembler tributary = assembler(JsonMode.EMBEDDED);
        ChangeRecordEncoder encoder = new ChangeRecordEncoder(Envelope.DEBEZIUM);
        long lsn = 110;
        for (ReplicationMessage message : changes()) {
            List<ChangeRecordEncoder.Encoded> encoded = encoder.encodeAll(debezium.accept(message, Lsn.of(lsn)).get(0));
            ChangeEvent expected = tributary.accept(message, Lsn.of(lsn)).get(0).toEvent();
            lsn++;

            List<ChangeEvent> read = encoded.stream().map(record -> DebeziumEventReader.decode(record.key(),
                    record.value(), new RecordHeaders(record.headers().toArray(Header[]::new)))).toList();

            if (expected.oldKey() == null) {
                assertEquals(List.of(expected), read, expected.op().code());
            } else { // Debezium's form of a key change: the old key deleted, then the new one created
                assertEquals(List.of(new ChangeEvent(Operation.DELETE, expected.source(), expected.oldKey(),
                        expected.before(), null), new ChangeEvent(Operation.CREATE, expected.source(), expected.key(),
                        null, expected.after(), expected.unchanged(), expected.types())), read);
            }
        }
    }
}
