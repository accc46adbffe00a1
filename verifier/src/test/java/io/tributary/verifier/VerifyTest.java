package io.tributary.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifyTest {

    @TempDir
    Path directory;

    private Path producerConfig() throws Exception {
        return Files.writeString(directory.resolve("producer.conf"), """
                tributary.postgres { url = "jdbc:postgresql://127.0.0.1:1/app", user = "u", tables = ["shop.*"] }
                tributary.kafka.bootstrap-servers = "127.0.0.1:1"
                """);
    }

    private Path subscriberConfig() throws Exception {
        return Files.writeString(directory.resolve("subscriber.conf"), """
                tributary.kafka.bootstrap-servers = "127.0.0.1:1"
                tributary.elasticsearch.urls = ["http://127.0.0.1:1"]
                """);
    }

    @Test
    void bothConfigurationsAreRequired() {
        Cli cli = Cli.run("--repair");

        assertEquals(Verify.USAGE, cli.status(), cli.toString());
        assertTrue(cli.err().contains("--producer-config") && cli.err().contains("--subscriber-config"), cli.err());
    }

    @Test
    void anInvalidConfigurationIsAUsageMistakeNamingTheFileAndKey() throws Exception {
        Path broken = Files.writeString(directory.resolve("broken.conf"), "tributary.kafka.partitons = 3\n");

        Cli cli = Cli.run("--producer-config", broken.toString(), "--subscriber-config",
                subscriberConfig().toString());

        assertEquals(Verify.USAGE, cli.status(), cli.toString());
        assertTrue(cli.err().contains("--producer-config " + broken) && cli.err().contains("partitons"), cli.err());
    }

    @Test
    void optionsOutOfRangeAreUsageMistakes() throws Exception {
        String producer = producerConfig().toString();
        String subscriber = subscriberConfig().toString();

        Cli chunk = Cli.run("--producer-config", producer, "--subscriber-config", subscriber, "--chunk-size", "0");
        Cli waitAlone = Cli.run("--producer-config", producer, "--subscriber-config", subscriber, "--wait", "5");
        Cli table = Cli.run("--producer-config", producer, "--subscriber-config", subscriber, "--table", "a.b.c");

        assertEquals(Verify.USAGE, chunk.status(), chunk.toString());
        assertTrue(chunk.err().contains("--chunk-size must be 1 to 10000, got 0"), chunk.err());
        assertEquals(Verify.USAGE, waitAlone.status(), waitAlone.toString());
        assertTrue(waitAlone.err().contains("--wait needs --repair"), waitAlone.err());
        assertEquals(Verify.USAGE, table.status(), table.toString());
        assertTrue(table.err().contains("'a.b.c'"), table.err());
    }

    @Test
    void aDocumentTypeTheSubscriberDoesNotConfigureIsAUsageMistakeNamingThoseItDoes() throws Exception {
        Path subscriber = Files.writeString(directory.resolve("documents.conf"), """
                tributary.kafka.bootstrap-servers = "127.0.0.1:1"
                tributary.elasticsearch.urls = ["http://127.0.0.1:1"]
                tributary.postgres { url = "jdbc:postgresql://127.0.0.1:1/shop", user = "reader" }
                tributary.documents.orders { root = "shop.orders" }
                """);

        Cli cli = Cli.run("--producer-config", producerConfig().toString(), "--subscriber-config",
                subscriber.toString(), "--document", "invoices");

        assertEquals(Verify.USAGE, cli.status(), cli.toString());
        assertTrue(cli.err().contains("--document invoices: " + subscriber + " configures no such document type"
                + " under tributary.documents (it configures [orders])"), cli.err());
    }

    @Test
    void anInvalidDocumentTypeIsAUsageMistakeNamingItsKey() throws Exception {
        Path subscriber = Files.writeString(directory.resolve("documents.conf"), """
                tributary.kafka.bootstrap-servers = "127.0.0.1:1"
                tributary.elasticsearch.urls = ["http://127.0.0.1:1"]
                tributary.postgres { url = "jdbc:postgresql://127.0.0.1:1/shop", user = "reader" }
                tributary.documents.orders { root = "shop.orders", join { customer { table = "shop.customers" } } }
                """);

        Cli cli = Cli.run("--producer-config", producerConfig().toString(), "--subscriber-config",
                subscriber.toString());

        assertEquals(Verify.USAGE, cli.status(), cli.toString());
        assertTrue(cli.err().contains("tributary.documents.orders.join.customer needs on"), cli.err());
    }

    @Test
    void anUnreachableDatabaseIsAFailureNamingIt() throws Exception {
        Cli cli = Cli.run("--producer-config", producerConfig().toString(), "--subscriber-config",
                subscriberConfig().toString());

        assertEquals(Verify.FAILED, cli.status(), cli.toString());
        assertTrue(cli.err().contains("cannot connect to PostgreSQL at jdbc:postgresql://127.0.0.1:1/app"),
                cli.err());
    }
}
