package io.tributary.inspector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.localstack.LocalStackExtension;
import io.tributary.localstack.RunningKafka;
import io.tributary.localstack.SaslSslListener;
import io.tributary.model.ChangeEvent;
import io.tributary.model.ChangeEventJson;
import io.tributary.model.Operation;
import io.tributary.model.Routing;
import io.tributary.model.Routing.PartitionBy;
import io.tributary.model.TableId;
import io.tributary.model.TablePartitioner;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/**
 * Every command against a real Kafka broker, on a 3-partition topic holding events routed as the producer routes
 * them: shop.orders and shop.customers by table hash (partitions 0 and 1), shop.audit pinned to 2, and one record
 * that is not a change event after the orders.
 */
@ExtendWith(LocalStackExtension.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class InspectTopicIT {

    private static final AtomicInteger RUN = new AtomicInteger();
    private static final TableId ORDERS = TableId.parse("shop.orders");
    private static final TableId CUSTOMERS = TableId.parse("shop.customers");
    private static final TableId AUDIT = TableId.parse("shop.audit");

    /** The shared topic, which the tests only read (the one that writes uses a topic of its own). */
    private static String sharedTopic;

    private final RunningKafka kafka;
    private String topic;
    private Routing routing;

    InspectTopicIT(RunningKafka kafka) {
        this.kafka = kafka;
    }

    @BeforeAll
    static void sharedTopicWithEvents(RunningKafka kafka) throws Exception {
        InspectTopicIT fixture = new InspectTopicIT(kafka);
        fixture.useNewTopic();
        fixture.send(List.of(
                Events.of(Operation.CREATE, "shop.orders", 1, 100),
                Events.of(Operation.CREATE, "shop.orders", 2, 110),
                Events.of(Operation.UPDATE, "shop.orders", 1, 120),
                Events.of(Operation.DELETE, "shop.orders", 2, 130),
                Events.of(Operation.CREATE, "shop.customers", 1, 140),
                Events.of(Operation.UPDATE, "shop.customers", 1, 150),
                Events.of(Operation.CREATE, "shop.audit", 1, 160),
                Events.of(Operation.CREATE, "shop.audit", 2, 170),
                Events.of(Operation.CREATE, "shop.audit", 3, 180)));
        fixture.sendRaw(0, "not json at all");
        sharedTopic = fixture.topic;
    }

    @BeforeEach
    void onTheSharedTopic() {
        topic = sharedTopic;
        routing = routing(topic);
    }

    /** Creates a 3-partition topic for this test alone. */
    private void useNewTopic() {
        topic = "inspector-it-" + RUN.incrementAndGet() + "-" + System.nanoTime() % 100_000;
        kafka.createTopic(topic, 3);
        routing = routing(topic);
    }

    private static Routing routing(String topic) {
        Routing routing = new Routing(topic, 3, PartitionBy.TABLE, Map.of(AUDIT, 2));
        assertEquals(0, routing.partitionFor(ORDERS), "the assertions below assume shop.orders in 0");
        assertEquals(1, routing.partitionFor(CUSTOMERS), "the assertions below assume shop.customers in 1");
        return routing;
    }

    private String[] args(String command, String... more) {
        String[] common = {command, "--bootstrap-servers", kafka.bootstrapServers(), "--topic", topic};
        String[] all = new String[common.length + more.length];
        System.arraycopy(common, 0, all, 0, common.length);
        System.arraycopy(more, 0, all, common.length, more.length);
        return all;
    }

    @Test
    void partitionsListsEndOffsetsRoutedTablesAndRecordsPerTable() throws Exception {
        Cli cli = Cli.run(args("partitions", "--pin", "shop.audit=2"));

        assertEquals(0, cli.status(), cli.toString());
        assertLine(cli.out(), "0 0 5 5 shop.orders");
        assertLine(cli.out(), "1 0 2 2 shop.customers");
        assertLine(cli.out(), "2 0 3 3 shop.audit");
        assertLine(cli.out(), "0 shop.orders 4 0 (table hash)");
        assertLine(cli.out(), "0 (undecodable) 1 -");
        assertLine(cli.out(), "1 shop.customers 2 1 (table hash)");
        assertLine(cli.out(), "2 shop.audit 3 2 (pinned)");
        assertFalse(cli.out().contains("NOT this partition"), cli.toString());
        assertFalse(cli.out().contains("note:"), cli.toString());

        JsonNode json = ChangeEventJson.mapper().readTree(Cli.run(args("partitions", "--json")).out());
        assertEquals(5, json.get("partitions").get(0).get("end").asLong());
        assertEquals(4, json.get("partitions").get(0).get("recordsPerTable").get("shop.orders").asLong());
        assertEquals(1, json.get("partitions").get(0).get("undecodable").asLong());
    }

    @Test
    void partitionsCountsOnlyTheLastRecordsWhenCappedAndSaysSo() {
        Cli cli = Cli.run(args("partitions", "--max-records", "2", "--pin", "shop.audit=2"));

        assertEquals(0, cli.status(), cli.toString());
        assertLine(cli.out(), "0 shop.orders 1 0 (table hash)");
        assertLine(cli.out(), "2 shop.audit 2 2 (pinned)");
        assertTrue(cli.out().contains("note: partition 0: counted the last 2 of 5 records (offsets 3 to 4)"),
                cli.toString());
        assertFalse(cli.out().contains("note: partition 1"), cli.toString());
    }

    @Test
    void partitionsMarksATableInAPartitionItIsNotRoutedTo() {
        Cli cli = Cli.run(args("partitions")); // without the pin, shop.audit routes by its hash

        assertEquals(0, cli.status(), cli.toString());
        assertEquals(0, TablePartitioner.partitionFor(AUDIT, 3), "the assertion below assumes shop.audit's hash 0");
        assertLine(cli.out(), "2 shop.audit 3 0 (table hash) -- NOT this partition");
    }

    @Test
    void tailShowsTheLastRecordsOfEachPartitionDecoded() {
        Cli cli = Cli.run(args("tail", "-n", "2", "--partition", "0"));

        assertEquals(0, cli.status(), cli.toString());
        assertEquals(List.of(3L, 4L), offsetsShown(cli.out()));
        assertTrue(cli.out().contains("partition 0 offset 3  d delete  shop.orders  key {\"id\":2}  lsn 0/82"
                + "  commit 2026-11-22T06:00:00.123456Z\n  before {\"id\":2}\n"), cli.toString());
        assertTrue(cli.out().contains("partition 0 offset 4  UNDECODABLE  not a change event"), cli.toString());

        Cli lastOfEach = Cli.run(args("tail", "-n", "1"));
        assertEquals(List.of(4L, 1L, 2L), offsetsShown(lastOfEach.out()), lastOfEach.toString());
    }

    @Test
    void tailFiltersByTableOperationAndKey() {
        Cli updates = Cli.run(args("tail", "--table", "shop.orders,shop.customers", "--op", "u"));
        Cli rowTwo = Cli.run(args("tail", "--table", "shop.orders", "--key", "{\"id\":2}", "--partition", "0,1"));
        Cli inserts = Cli.run(args("tail", "--op", "c", "-n", "2", "--partition", "2"));

        assertEquals(0, updates.status(), updates.toString());
        assertEquals(List.of("0:2 u shop.orders", "1:1 u shop.customers"), events(updates.out()));
        assertTrue(updates.out().contains("UNDECODABLE"), "undecodable records are always shown");
        assertEquals(List.of("0:1 c shop.orders", "0:3 d shop.orders"), events(rowTwo.out()));
        assertEquals(List.of("2:1 c shop.audit", "2:2 c shop.audit"), events(inserts.out()));
    }

    @Test
    void tailFromTheBeginningAsJsonGivesEveryRecord() throws Exception {
        Cli cli = Cli.run(args("tail", "--from-beginning", "--json"));

        assertEquals(0, cli.status(), cli.toString());
        List<String> lines = cli.out().lines().toList();
        assertEquals(10, lines.size(), cli.toString());
        JsonNode first = ChangeEventJson.mapper().readTree(lines.get(0));
        assertEquals(Events.of(Operation.CREATE, "shop.orders", 1, 100),
                ChangeEventJson.decode(ChangeEventJson.mapper().writeValueAsBytes(first.get("event"))));
    }

    @Test
    void tailFollowShowsNewEventsUntilInterrupted() throws Exception {
        useNewTopic();
        send(List.of(Events.of(Operation.CREATE, "shop.customers", 1, 800)));
        StringWriter out = new StringWriter();
        CommandLine commandLine = InspectTopic.commandLine(Map.of());
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(new StringWriter(), true));
        AtomicInteger status = new AtomicInteger(-1);
        Thread tail = new Thread(() -> status.set(commandLine.execute(args("tail", "--follow", "-n", "0",
                "--table", "shop.customers"))), "tail-follow");
        tail.start();
        try {
            Thread.sleep(2_000); // let it reach the end and start following
            send(List.of(Events.of(Operation.DELETE, "shop.customers", 1, 900),
                    Events.of(Operation.DELETE, "shop.orders", 1, 910)));
            awaitTrue(() -> out.toString().contains("d delete  shop.customers"), Duration.ofSeconds(30),
                    () -> "the new event did not show: " + out);
        } finally {
            tail.interrupt();
            tail.join(10_000);
        }
        assertFalse(tail.isAlive(), "tail --follow stops when interrupted");
        assertEquals(0, status.get());
        assertEquals(List.of("1:1 d shop.customers"), events(out.toString()), out.toString());
    }

    @Test
    void lagShowsCommittedOffsetsLagAndTheOwningMember() throws Exception {
        String group = "inspector-it-group-" + RUN.incrementAndGet();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(group)) {
            consumer.commitSync(Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(3),
                    new TopicPartition(topic, 1), new OffsetAndMetadata(2)));
        }

        Cli idle = Cli.run(args("lag", "--group", group));

        assertEquals(0, idle.status(), idle.toString());
        assertLine(idle.out(), topic + " 0 3 5 2 - - -");
        assertLine(idle.out(), topic + " 1 2 2 0 - - -");
        assertLine(idle.out(), topic + " 2 - 3 - - - -");
        assertTrue(idle.out().contains("Total lag: 2 records"), idle.toString());

        try (KafkaConsumer<byte[], byte[]> member = consumer(group)) {
            member.subscribe(List.of(topic));
            awaitTrue(() -> {
                member.poll(Duration.ofMillis(100));
                return member.assignment().size() == 3;
            }, Duration.ofSeconds(60), () -> "the consumer got no partitions");

            Cli busy = Cli.run(args("lag", "--group", group, "--json"));

            assertEquals(0, busy.status(), busy.toString());
            JsonNode partitions = ChangeEventJson.mapper().readTree(busy.out()).get("partitions");
            assertEquals(3, partitions.size(), busy.toString());
            for (JsonNode partition : partitions) {
                assertEquals("inspector-it-member", partition.get("member").get("clientId").asText(),
                        busy.toString());
            }
        }
    }

    @Test
    void lagOfAGroupThatDoesNotExistFails() {
        Cli cli = Cli.run(args("lag", "--group", "no-such-group-" + System.nanoTime()));

        assertEquals(1, cli.status(), cli.toString());
        assertTrue(cli.err().contains("does not exist"), cli.toString());
    }

    @Test
    void routeMatchesTheTablePartitionerAndPinsOverTheTopicsPartitions() {
        Cli cli = Cli.run(args("route", "shop.orders", "shop.customers", "shop.audit", "--pin", "shop.audit=2"));

        assertEquals(0, cli.status(), cli.toString());
        assertLine(cli.out(), "shop.orders " + topic + " " + TablePartitioner.partitionFor(ORDERS, 3)
                + " partition-by table: murmur2(\"shop.orders\") mod 3");
        assertLine(cli.out(), "shop.customers " + topic + " " + TablePartitioner.partitionFor(CUSTOMERS, 3)
                + " partition-by table: murmur2(\"shop.customers\") mod 3");
        assertLine(cli.out(), "shop.audit " + topic + " 2 pinned to partition 2");

        Cli byKey = Cli.run(args("route", "shop.orders", "--partition-by", "key", "--key", "id=7"));
        ChangeEvent event = Events.of(Operation.UPDATE, "shop.orders", 7, 1);
        int expected = new Routing(topic, 3, PartitionBy.KEY, Map.of())
                .partitionFor(ORDERS, ChangeEventJson.encodeKey(event));
        assertLine(byKey.out(), "shop.orders " + topic + " " + expected
                + " partition-by key: murmur2 of the record key of {\"id\":7} mod 3");
    }

    /** The producer's security variables, for the broker's SASL_SSL listener with {@code password}. */
    private Map<String, String> saslSslEnvironment(String password) {
        SaslSslListener listener = kafka.saslSsl();
        return Map.of("TRIBUTARY_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "TRIBUTARY_KAFKA_SASL_MECHANISM", "SCRAM-SHA-256",
                "TRIBUTARY_KAFKA_SASL_USERNAME", listener.username(),
                "TRIBUTARY_KAFKA_SASL_PASSWORD", password,
                "TRIBUTARY_KAFKA_SSL_CA_FILE", listener.certificates().caCertificate().toString());
    }

    @Test
    void partitionsReadsOverSaslSslWithTheProducersSecurityVariables() {
        Cli cli = Cli.run(saslSslEnvironment(kafka.saslSsl().password()), "partitions", "--bootstrap-servers",
                kafka.saslSsl().bootstrapServers(), "--topic", topic, "--pin", "shop.audit=2");

        assertEquals(0, cli.status(), cli.toString());
        assertLine(cli.out(), "0 0 5 5 shop.orders");
        assertLine(cli.out(), "2 0 3 3 shop.audit");
    }

    @Test
    void aRefusedLoginFailsAtOnceNamingTheSettingsAndNotThePassword() {
        Cli cli = assertTimeoutPreemptively(Duration.ofSeconds(15), () -> Cli.run(
                saslSslEnvironment("not-the-password"), "partitions", "--bootstrap-servers",
                kafka.saslSsl().bootstrapServers(), "--topic", topic));

        assertEquals(1, cli.status(), cli.toString());
        assertTrue(cli.err().contains("refused the login"), cli.toString());
        assertTrue(cli.err().contains("check tributary.kafka.sasl.username, tributary.kafka.sasl.password"),
                cli.toString());
        assertFalse(cli.err().contains("not-the-password"), cli.toString());
    }

    @Test
    void aSecurityMistakeInTheVariablesIsAUsageError() {
        Cli cli = Cli.run(Map.of("TRIBUTARY_KAFKA_SECURITY_PROTOCOL", "SASL_SSL"), "partitions",
                "--bootstrap-servers", kafka.saslSsl().bootstrapServers(), "--topic", topic);

        assertEquals(2, cli.status(), cli.toString());
        assertTrue(cli.err().contains("tributary.kafka.sasl.username must be set"), cli.toString());
    }

    @Test
    void aMissingTopicFailsNamingIt() {
        Cli cli = Cli.run("partitions", "--bootstrap-servers", kafka.bootstrapServers(), "--topic", "no-such-topic");

        assertEquals(1, cli.status(), cli.toString());
        assertTrue(cli.err().contains("topic no-such-topic") && cli.err().contains("does not exist"), cli.toString());
    }

    @Test
    void anUnreachableBrokerFailsWithinTheTimeoutNamingTheServers() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String servers = "127.0.0.1:" + closedPort;
        for (List<String> command : List.of(List.of("partitions"), List.of("tail"), List.of("lag", "--group", "g"))) {
            String[] args = java.util.stream.Stream.concat(command.stream(),
                    java.util.stream.Stream.of("--bootstrap-servers", servers, "--timeout", "2")).toArray(String[]::new);
            Cli cli = assertTimeoutPreemptively(Duration.ofSeconds(15), () -> Cli.run(args));

            assertEquals(1, cli.status(), command + ": " + cli);
            assertTrue(cli.err().contains("Kafka at " + servers + " did not answer within 2 s"), command + ": " + cli);
        }
    }

    // -- helpers

    private void send(List<ChangeEvent> events) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (ChangeEvent event : events) {
                byte[] key = ChangeEventJson.encodeKey(event);
                producer.send(new ProducerRecord<>(topic, routing.partitionFor(event.tableId(), key), key,
                        ChangeEventJson.encode(event))).get(30, TimeUnit.SECONDS);
            }
        }
    }

    private void sendRaw(int partition, String value) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>(topic, partition, null, value.getBytes(StandardCharsets.UTF_8)))
                    .get(30, TimeUnit.SECONDS);
        }
    }

    private KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
    }

    private KafkaConsumer<byte[], byte[]> consumer(String group) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.CLIENT_ID_CONFIG, "inspector-it-member",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
    }

    /** Asserts a line whose whitespace-separated cells are {@code cells}' words, however the columns are padded. */
    private static void assertLine(String output, String cells) {
        String regex = "(?m)^" + String.join("\\s+", java.util.Arrays.stream(cells.split(" "))
                .map(Pattern::quote).toList()) + "\\s*$";
        assertTrue(Pattern.compile(regex).matcher(output).find(), "no line '" + cells + "' in:\n" + output);
    }

    private static final Pattern EVENT_HEADER =
            Pattern.compile("(?m)^partition (\\d+) offset (\\d+)  (\\w) \\w+  (\\S+)  key");
    private static final Pattern ANY_HEADER = Pattern.compile("(?m)^partition \\d+ offset (\\d+)  ");

    /** partition:offset op table of every change event shown. */
    private static List<String> events(String output) {
        return EVENT_HEADER.matcher(output).results()
                .map(match -> match.group(1) + ":" + match.group(2) + " " + match.group(3) + " " + match.group(4))
                .toList();
    }

    /** The offsets of every record shown, events and undecodable ones. */
    private static List<Long> offsetsShown(String output) {
        return ANY_HEADER.matcher(output).results().map(match -> Long.parseLong(match.group(1))).toList();
    }

    private static void awaitTrue(BooleanSupplier condition, Duration timeout,
                                  java.util.function.Supplier<String> message) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(message.get());
            }
            Thread.sleep(100);
        }
    }
}
