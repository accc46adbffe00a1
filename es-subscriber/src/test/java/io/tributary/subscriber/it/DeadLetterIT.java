package io.tributary.subscriber.it;

import static io.tributary.subscriber.it.SubscriberHarness.index;
import static io.tributary.subscriber.it.SubscriberHarness.json;
import static io.tributary.subscriber.it.SubscriberHarness.source;
import static io.tributary.subscriber.it.SubscriberHarness.upsert;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.localstack.RunningElasticsearch;
import io.tributary.localstack.RunningKafka;
import io.tributary.model.ChangeEvent;
import io.tributary.model.ChangeEventJson;
import io.tributary.model.Operation;
import io.tributary.subscriber.consume.DeadLetterPublisher;
import io.tributary.subscriber.consume.DeadLetterTopic;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/** Poison records go to the dead-letter topic, whole and with the reason, and the partition moves on. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DeadLetterIT extends SubscriberItSupport {

    DeadLetterIT(RunningKafka kafka, RunningElasticsearch elasticsearch) {
        super(kafka, elasticsearch);
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Test
    void poisonRecordsAreDeadLetteredWithTheirOriginalBytesAndTheRecordsAfterThemApplied() throws Exception {
        harness = new SubscriberHarness(kafka, elasticsearch, "poison", 1);
        String table = "poison";
        harness.createIndex(index(table), "{\"mappings\":{\"properties\":{\"qty\":{\"type\":\"long\"}}}}");
        byte[] garbageKey = "not json either".getBytes(StandardCharsets.UTF_8);
        byte[] garbage = new byte[] {'{', 0x00, (byte) 0xff, 'x'};
        ChangeEvent conflicting = upsert(table, 11, "{\"id\":2,\"qty\":\"lots\"}");
        ObjectNode longKeyRow = json("{\"id\":\"" + "k".repeat(600) + "\",\"qty\":3}");
        ChangeEvent idTooLong = new ChangeEvent(Operation.CREATE, source(table, 12), json("{\"id\":\""
                + "k".repeat(600) + "\"}"), null, longKeyRow);
        ChangeEvent unmappable = upsert("bad table", 13, "{\"id\":1}");

        harness.send(0, upsert(table, 10, "{\"id\":1,\"qty\":1}"));
        harness.sendRaw(0, garbageKey, garbage);
        harness.send(0, conflicting);
        harness.send(0, idTooLong);
        harness.send(0, unmappable);
        harness.send(0, upsert(table, 14, "{\"id\":4,\"qty\":4}"));
        harness.startSubscriber(harness.group, 100);

        List<ConsumerRecord<byte[], byte[]>> letters = harness.readDeadLetters(4, WAIT);
        harness.awaitCaughtUp(harness.group, WAIT);

        assertEquals(4, letters.size(), "garbage, mapping conflict, id too long, unmappable table");
        ConsumerRecord<byte[], byte[]> first = letters.get(0);
        assertArrayEquals(garbage, first.value());
        assertArrayEquals(garbageKey, first.key());
        assertEquals(harness.topic, header(first, DeadLetterPublisher.TOPIC));
        assertEquals("0", header(first, DeadLetterPublisher.PARTITION));
        assertEquals("1", header(first, DeadLetterPublisher.OFFSET));
        assertEquals("not-a-change-event", header(first, DeadLetterPublisher.KIND));

        ConsumerRecord<byte[], byte[]> conflict = letters.get(1);
        assertArrayEquals(ChangeEventJson.encode(conflicting), conflict.value());
        assertArrayEquals(ChangeEventJson.encodeKey(conflicting), conflict.key());
        assertEquals("2", header(conflict, DeadLetterPublisher.OFFSET));
        assertEquals(index(table), header(conflict, DeadLetterPublisher.INDEX));
        assertEquals("2", header(conflict, DeadLetterPublisher.ID));
        assertTrue(header(conflict, DeadLetterPublisher.REASON).contains("qty"), header(conflict,
                DeadLetterPublisher.REASON));

        ConsumerRecord<byte[], byte[]> tooLong = letters.get(2);
        assertEquals("3", header(tooLong, DeadLetterPublisher.OFFSET));
        assertArrayEquals(ChangeEventJson.encode(idTooLong), tooLong.value());
        assertTrue(header(tooLong, DeadLetterPublisher.REASON).contains("too long"),
                header(tooLong, DeadLetterPublisher.REASON));

        assertEquals("4", header(letters.get(3), DeadLetterPublisher.OFFSET));
        assertEquals("unmappable-table", header(letters.get(3), DeadLetterPublisher.KIND));

        assertEquals(Map.of("1", json("{\"id\":1,\"qty\":1}"), "4", json("{\"id\":4,\"qty\":4}")),
                harness.sources(index(table)), "the good records before and after the poison ones");
        assertEquals(4, harness.metrics.get("tributary.subscriber.dead.letters").counters().stream()
                .mapToDouble(c -> c.count()).sum());
    }

    /**
     * A poison record of 3MiB (the change topic takes it, as a topic the producer creates takes 64MiB) is dead-lettered
     * with default settings: the subscriber creates the dead-letter topic, and its producer, for change events of
     * the producer's default limit; the next record is applied.
     */
    @Test
    void aPoisonRecordOfMegabytesIsDeadLetteredWithDefaultSettings() throws Exception {
        harness = new SubscriberHarness(kafka, elasticsearch, "large-poison", 1);
        String table = "large_poison";
        harness.acceptRecordsOf(4 * 1024 * 1024);
        harness.createIndex(index(table), "{\"mappings\":{\"properties\":{\"qty\":{\"type\":\"long\"}}}}");
        ChangeEvent large = upsert(table, 10, "{\"id\":1,\"qty\":\"lots\",\"note\":\"" + "n".repeat(3 << 20)
                + "\"}");
        harness.send(0, large);
        harness.send(0, upsert(table, 11, "{\"id\":2,\"qty\":2}"));
        harness.startSubscriber(harness.group, 100);

        List<ConsumerRecord<byte[], byte[]>> letters = harness.readDeadLetters(1, WAIT);
        harness.awaitCaughtUp(harness.group, WAIT);

        assertEquals(1, letters.size(), "the large record with the mapping conflict");
        assertArrayEquals(ChangeEventJson.encode(large), letters.get(0).value());
        assertTrue(header(letters.get(0), DeadLetterPublisher.REASON).contains("qty"));
        assertEquals(Map.of("2", json("{\"id\":2,\"qty\":2}")), harness.sources(index(table)));
    }

    /**
     * A dead-letter topic created before, with the broker's default size limit (1 MB), cannot take a poison record of
     * the producer's largest size: the subscriber says so at startup, with the command that raises it.
     */
    @Test
    void anExistingDeadLetterTopicThatTakesLessThanAChangeEventIsWarnedAboutAtStartup() {
        harness = new SubscriberHarness(kafka, elasticsearch, "small-dlq", 1);
        kafka.createTopic(harness.deadLetterTopic(), 1);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        Logger logger = (Logger) LoggerFactory.getLogger(DeadLetterTopic.class);
        logs.start();
        logger.addAppender(logs);
        try {
            harness.startSubscriber(harness.group, 100);
        } finally {
            logger.detachAppender(logs);
        }

        List<String> warnings = logs.list.stream().filter(event -> event.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).toList();
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("the dead-letter topic " + harness.deadLetterTopic()
                + " takes records of at most "), warnings.get(0));
        assertTrue(warnings.get(0).endsWith("--entity-name " + harness.deadLetterTopic()
                + " --add-config max.message.bytes=" + DeadLetterTopic.maxLetterBytes(64 << 20)), warnings.get(0));
    }
}
