package io.tributary.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.localstack.LocalStack;
import io.tributary.localstack.LocalStackExtension;
import io.tributary.localstack.RunningElasticsearch;
import io.tributary.localstack.RunningKafka;
import io.tributary.localstack.RunningPostgres;
import io.tributary.localstack.SaslSslListener;
import io.tributary.localstack.testkit.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verifier with the producer's secured settings: it reads PostgreSQL over {@code verify-full} TLS and sends its
 * repairs through Kafka's SASL_SSL listener; a CA that did not sign the server's certificate, or a wrong Kafka
 * password, fails it (exit 1) naming the setting to check.
 */
@ExtendWith(LocalStackExtension.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SecureVerifyIT {

    private final RunningPostgres postgres = LocalStack.postgresWithTls();
    private final RunningKafka kafka;
    private final SaslSslListener saslSsl;
    private final ElasticsearchHttp http;
    private final String elasticsearchUrl;
    @TempDir
    Path directory;
    private String database;
    private String schema;
    private String topic;

    SecureVerifyIT(RunningKafka kafka, RunningElasticsearch elasticsearch) {
        this.kafka = kafka;
        this.saslSsl = kafka.saslSsl();
        this.http = new ElasticsearchHttp(elasticsearch.url());
        this.elasticsearchUrl = elasticsearch.url();
    }

    @BeforeEach
    void tableWithOneRowIndexedAndOneMissing() throws Exception {
        database = "secure_verify_" + System.nanoTime() % 1_000_000;
        schema = "s_" + database;
        topic = "secure-verify-" + database;
        TestDatabase.create(postgres, database).createSchema(schema,
                "CREATE TABLE " + schema + ".items (id int PRIMARY KEY, name text NOT NULL)",
                "INSERT INTO " + schema + ".items VALUES (1, 'indexed'), (2, 'missing')");
        http.send("PUT", "/" + schema + ".items/_doc/1?refresh=true", "{\"id\":1,\"name\":\"indexed\"}");
        kafka.createTopic(topic, 1);
    }

    @Test
    void verifiesOverVerifyFullPostgresAndRepairsThroughSaslSslKafka() throws Exception {
        Cli cli = verify(postgres.certificates().caCertificate(), saslSsl.password(), "--repair");

        assertEquals(Verify.DRIFT, cli.status(), cli.toString());
        assertTrue(cli.out().contains("1 repair events sent to Kafka"), cli.toString());
    }

    @Test
    void aCaThatDidNotSignPostgresCertificateFailsNamingTheSetting() throws Exception {
        Cli cli = verify(postgres.certificates().unrelatedCaCertificate(), saslSsl.password());

        assertEquals(Verify.FAILED, cli.status(), cli.toString());
        assertTrue(cli.err().contains("the TLS handshake with PostgreSQL at " + postgres.jdbcUrl(database)
                + " failed"), cli.toString());
        assertTrue(cli.err().contains("check tributary.postgres.ssl.root-cert"), cli.toString());
    }

    @Test
    void aWrongKafkaPasswordFailsTheRepairNamingTheSettings() throws Exception {
        Cli cli = verify(postgres.certificates().caCertificate(), "not-the-password", "--repair");

        assertEquals(Verify.FAILED, cli.status(), cli.toString());
        assertTrue(cli.err().contains("refused the login"), cli.toString());
        assertTrue(cli.err().contains("tributary.kafka.sasl.password"), cli.toString());
        assertFalse(cli.err().contains("not-the-password"), cli.toString());
    }

    private Cli verify(Path postgresCa, String kafkaPassword, String... extra) throws Exception {
        Path producer = Files.writeString(directory.resolve("producer.conf"), """
                tributary.postgres { url = "%s", user = postgres, tables = ["%s.items"],
                                     ssl { mode = verify-full, root-cert = "%s" } }
                tributary.kafka { bootstrap-servers = "%s", topic = "%s", partitions = 1,
                                  security-protocol = SASL_SSL, sasl { username = "%s", password = "%s" },
                                  ssl.ca-file = "%s" }
                """.formatted(postgres.jdbcUrl(database), schema, postgresCa, saslSsl.bootstrapServers(), topic,
                saslSsl.username(), kafkaPassword, saslSsl.certificates().caCertificate()));
        Path subscriber = Files.writeString(directory.resolve("subscriber.conf"), """
                tributary.kafka { bootstrap-servers = "%s", topic = "%s" }
                tributary.elasticsearch.urls = ["%s"]
                """.formatted(kafka.bootstrapServers(), topic, elasticsearchUrl));
        return Cli.withConfigs(producer, subscriber, extra);
    }
}
