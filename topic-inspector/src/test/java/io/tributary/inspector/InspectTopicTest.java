package io.tributary.inspector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.model.Routing.PartitionBy;
import io.tributary.model.TableId;
import io.tributary.model.TablePartitioner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line itself: help, usage mistakes, option resolution, and route (which needs no Kafka when told). */
class InspectTopicTest {

    private static final String PRODUCER_CONF = """
            tributary {
              postgres { url = "jdbc:postgresql://db:5432/app", user = u, tables = [shop.orders, "shop.*"] }
              kafka {
                bootstrap-servers = "kafka-1:9092"
                topic = "cdc.changes"
                partitions = 6
                partition-by = key
                pinned-partitions { "shop.audit" = 5 }
              }
            }
            """;

    @TempDir
    Path directory;

    @Test
    void helpListsTheCommandsAndExitsZero() {
        Cli cli = Cli.run("--help");

        assertEquals(0, cli.status(), cli.toString());
        for (String command : new String[] {"partitions", "tail", "lag", "route"}) {
            assertTrue(cli.out().contains("  " + command + " "), cli.toString());
        }
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : new String[] {"partitions", "tail", "lag", "route"}) {
            Cli cli = Cli.run(command, "--help");

            assertEquals(0, cli.status(), cli.toString());
            assertTrue(cli.out().startsWith("Usage: inspect-topic " + command), cli.toString());
            assertTrue(cli.out().contains("--bootstrap-servers"), cli.toString());
        }
    }

    @Test
    void usageMistakesExitTwo() {
        assertEquals(2, Cli.run().status(), "no command");
        assertEquals(2, Cli.run("partitions", "--no-such-option").status());
        assertEquals(2, Cli.run("lag").status(), "--group is required");
        assertEquals(2, Cli.run("route").status(), "a table is required");
        assertEquals(2, Cli.run("route", "a.b", "--partition-by", "row").status());
        Cli badKey = Cli.run("route", "a.b", "--partitions", "3", "--partition-by", "key", "--key", "oops");
        assertEquals(2, badKey.status(), badKey.toString());
        assertTrue(badKey.err().contains("key 'oops'"), badKey.toString());
        Cli badPin = Cli.run("route", "a.b", "--partitions", "3", "--pin", "a.b=3");
        assertEquals(2, badPin.status(), badPin.toString());
        assertTrue(badPin.err().contains("outside 0..2"), badPin.toString());
    }

    @Test
    void routeByTableUsesTheTablePartitioner() {
        Cli cli = Cli.run("route", "shop.orders", "shop.customers", "--partitions", "12", "--pin", "shop.customers=3");

        assertEquals(0, cli.status(), cli.toString());
        int orders = TablePartitioner.partitionFor(TableId.parse("shop.orders"), 12);
        assertTrue(cli.out().contains("shop.orders     tributary.changes  " + orders + " "), cli.toString());
        assertTrue(cli.out().contains("shop.customers  tributary.changes  3          pinned to partition 3"),
                cli.toString());
    }

    @Test
    void routingIsReadFromTheProducersConfigurationFile() throws Exception {
        Path conf = Files.writeString(directory.resolve("producer.conf"), PRODUCER_CONF);

        Cli cli = Cli.run("route", "shop.audit", "shop.orders", "--producer-config", conf.toString());

        assertEquals(0, cli.status(), cli.toString());
        assertTrue(cli.out().contains("shop.audit   cdc.changes  5          pinned to partition 5"), cli.toString());
        assertTrue(cli.out().contains("shop.orders  cdc.changes  -          partition-by key: each row goes by its"
                + " key's hash over 6 partitions"), cli.toString());
    }

    @Test
    void optionsOverrideTheEnvironmentWhichOverridesTheProducersConfiguration() throws Exception {
        Path conf = Files.writeString(directory.resolve("producer.conf"), PRODUCER_CONF);
        Map<String, String> environment = Map.of(TopicOptions.BOOTSTRAP_VARIABLE, "env-kafka:9092");

        TopicSettings fromFile = resolve(Map.of(), "--producer-config", conf.toString());
        TopicSettings fileAndEnvironment = resolve(environment, "--producer-config", conf.toString());
        TopicSettings overridden = resolve(environment, "--producer-config", conf.toString(),
                "--bootstrap-servers", "cli:9092", "--topic", "other", "--partitions", "8", "--partition-by", "TABLE",
                "--pin", "shop.x=1");
        TopicSettings fromEnvironment = resolve(environment);
        TopicSettings defaults = resolve(Map.of());

        assertEquals("kafka-1:9092", fromFile.bootstrapServers());
        assertEquals("cdc.changes", fromFile.topic());
        assertEquals(OptionalInt.of(6), fromFile.configuredPartitions());
        assertEquals(PartitionBy.KEY, fromFile.partitionBy());
        assertEquals(Map.of(TableId.parse("shop.audit"), 5), fromFile.pins());
        assertEquals(java.util.List.of(TableId.parse("shop.orders")), fromFile.configuredTables(), "no patterns");

        assertEquals("cli:9092", overridden.bootstrapServers());
        assertEquals("other", overridden.topic());
        assertEquals(OptionalInt.of(8), overridden.configuredPartitions());
        assertEquals(PartitionBy.TABLE, overridden.partitionBy());
        assertEquals(Map.of(TableId.parse("shop.x"), 1), overridden.pins());

        assertEquals("env-kafka:9092", fromEnvironment.bootstrapServers());
        assertEquals("env-kafka:9092", fileAndEnvironment.bootstrapServers(), "as the producer would read it");
        assertEquals("localhost:9092", defaults.bootstrapServers());
        assertEquals("tributary.changes", defaults.topic());
        assertEquals(OptionalInt.empty(), defaults.configuredPartitions());
    }

    @Test
    void anInvalidProducerConfigurationIsAUsageMistakeNamingTheKey() throws Exception {
        Path conf = Files.writeString(directory.resolve("producer.conf"),
                PRODUCER_CONF.replace("partitions = 6", "partitions = 0"));

        Cli cli = Cli.run("route", "a.b", "--producer-config", conf.toString());

        assertEquals(2, cli.status(), cli.toString());
        assertTrue(cli.err().contains("tributary.kafka.partitions"), cli.toString());
    }

    @Test
    void aPerTableTopicPatternNeedsOneTopicToReadButRoutesToEachTablesTopic() throws Exception {
        Cli route = Cli.run("route", "shop.orders", "--topic", "cdc.${schema}.${table}", "--partitions", "3");
        Cli tail = Cli.run("tail", "--topic", "cdc.${schema}.${table}");

        assertTrue(route.out().contains("cdc.shop.orders"), route.toString());
        assertEquals(2, tail.status(), tail.toString());
        assertTrue(tail.err().contains("per-table pattern"), tail.toString());
    }

    private static TopicSettings resolve(Map<String, String> environment, String... options) {
        String[] args = new String[options.length + 2];
        args[0] = "route";
        args[1] = "a.b";
        System.arraycopy(options, 0, args, 2, options.length);
        CommandLine commandLine = InspectTopic.commandLine(environment);
        CommandLine.ParseResult parsed = commandLine.parseArgs(args);
        RouteCommand route = (RouteCommand) parsed.subcommand().commandSpec().userObject();
        return route.options.resolve(environment);
    }
}
