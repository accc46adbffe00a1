package io.tributary.bench;

import io.tributary.localstack.RunningKafka;
import io.tributary.localstack.RunningPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The two services of the joined-documents benchmark as child JVMs, configured as an operator would: es-subscriber
 * with the {@value #DOCUMENT} document type (an order, its customer, its items each with its product: the issue's
 * join without the tags), and etl-producer streaming the shop's tables into {@value #TOPIC} from a slot it creates,
 * with {@code snapshot.mode = never} (the documents are built from PostgreSQL by the subscriber; an initial snapshot
 * would only fill the per-table indices). Stateless.
 */
final class DocumentServices {

    static final String DOCUMENT = "orders";
    static final String TOPIC = "bench.documents";
    static final int PARTITIONS = 12;
    private static final String SLOT = "bench_documents";

    private DocumentServices() {
    }

    /** Where the services connect. */
    record Endpoints(RunningPostgres postgres, String jdbcUrl, RunningKafka kafka, String elasticsearchUrl) {
    }

    /**
     * Starts the subscriber; with no document index yet, it begins the full build at once.
     *
     * @param extraSettings HOCON lines appended to its configuration
     */
    static ServiceChild startSubscriber(ServiceChild.Launch launch, Endpoints endpoints, int pageSize,
                                        List<String> extraSettings) throws IOException {
        int port = ProducerDrain.freePort();
        String configuration = String.join("\n",
                "tributary {",
                "  kafka {",
                "    bootstrap-servers = \"" + endpoints.kafka().bootstrapServers() + "\"",
                "    topic = \"" + TOPIC + "\"",
                "    group-id = \"bench-documents-" + System.currentTimeMillis() + "\"",
                "  }",
                "  elasticsearch.urls = [\"" + endpoints.elasticsearchUrl() + "\"]",
                "  http.port = " + port,
                "  postgres {",
                "    url = \"" + endpoints.jdbcUrl() + "\"",
                "    user = \"" + endpoints.postgres().user() + "\"",
                "    password = \"" + endpoints.postgres().password() + "\"",
                "    publication = " + ShopTables.PUBLICATION,
                "  }",
                "  document-rebuild.page-size = " + pageSize,
                "  documents {",
                "    " + DOCUMENT + " {",
                "      root = \"shop.orders\"",
                "      join {",
                "        customer { table = \"shop.customers\", on { customer_id = id } }",
                "        items { table = \"shop.order_items\", on { id = order_id }, many = true,",
                "                join { product { table = \"shop.products\", on { sku = sku } } } }",
                "      }",
                "    }",
                "  }",
                "}",
                String.join("\n", extraSettings),
                "");
        return ServiceChild.start(launch, configuration, port);
    }

    /** Starts the producer and waits until its slot is streaming. */
    static ServiceChild startProducer(ServiceChild.Launch launch, Endpoints endpoints, ShopTables shop,
                                      Duration timeout) throws IOException, SQLException, InterruptedException {
        int port = ProducerDrain.freePort();
        String configuration = String.join("\n",
                "tributary {",
                "  postgres {",
                "    url = \"" + endpoints.jdbcUrl() + "\"",
                "    user = \"" + endpoints.postgres().user() + "\"",
                "    password = \"" + endpoints.postgres().password() + "\"",
                "    slot = " + SLOT,
                "    publication = " + ShopTables.PUBLICATION,
                "    tables = [" + String.join(", ", ShopTables.TABLES) + "]",
                "    snapshot.mode = never",
                "  }",
                "  kafka {",
                "    bootstrap-servers = \"" + endpoints.kafka().bootstrapServers() + "\"",
                "    topic = \"" + TOPIC + "\"",
                "    partitions = " + PARTITIONS,
                "    replication-factor = 1",
                "  }",
                "  http.port = " + port,
                "}",
                "");
        ServiceChild producer = ServiceChild.start(launch, configuration, port);
        try (Connection connection = shop.connect()) {
            producer.awaitStreaming(connection, SLOT, timeout);
        }
        return producer;
    }

    /**
     * Dumps the JFR recording of a child started with one ({@code jcmd <pid> JFR.dump}) into {@code file}, so that a
     * phase can be profiled on its own while the child runs on.
     */
    static void dumpRecording(ServiceChild child, Path file) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process dump = new ProcessBuilder(jcmd.toString(), Long.toString(child.pid()), "JFR.dump",
                "filename=" + file).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!dump.waitFor(60, TimeUnit.SECONDS) || dump.exitValue() != 0) {
            dump.destroyForcibly();
            throw new IOException("jcmd " + child.pid() + " JFR.dump did not write " + file);
        }
    }
}
