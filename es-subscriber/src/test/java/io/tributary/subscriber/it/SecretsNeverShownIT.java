package io.tributary.subscriber.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tributary.config.ConfigLoader;
import io.tributary.config.InvalidConfigException;
import io.tributary.config.SecretKeys;
import io.tributary.localstack.LocalStackExtension;
import io.tributary.localstack.RunningKafka;
import io.tributary.localstack.RunningPostgres;
import io.tributary.localstack.SecuredElasticsearch;
import io.tributary.localstack.testkit.TestDatabase;
import io.tributary.ops.ServiceLauncher;
import io.tributary.ops.ServiceMetrics;
import io.tributary.producer.EtlProducer;
import io.tributary.producer.ProducerSettings;
import io.tributary.subscriber.EsSubscriber;
import io.tributary.subscriber.SubscriberSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * No password, API key or token ever shows in a log line, an exception message, {@code /metrics} or a settings
 * {@code toString}: every secret setting gets a distinctive value (from files and from the environment), the paths
 * that log and fail run (both services' startup, configuration errors, refused logins on the secured node), and
 * everything they printed is scanned for the values.
 */
@ExtendWith(LocalStackExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SecretsNeverShownIT {

    /** A distinctive value for each secret key (the Kafka SASL password only where the services know the key). */
    private static final Map<String, String> SECRETS = Map.of(
            "tributary.postgres.password", "pg-pw-Zq81c",
            "tributary.elasticsearch.password", "es-pw-Xk27d",
            "tributary.elasticsearch.api-key", "es-key-Vb55e",
            "tributary.elasticsearch.bearer-token", "es-token-Wm93f",
            "tributary.kafka.sasl.password", "kafka-pw-Ty64g");

    @TempDir
    Path dir;

    private final RunningKafka kafka;
    private final SecuredElasticsearch node;
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Map<String, String> printed = new LinkedHashMap<>();

    SecretsNeverShownIT(RunningKafka kafka, SecuredElasticsearch node) {
        this.kafka = kafka;
        this.node = node;
    }

    @BeforeEach
    void captureLogs() {
        logs.start();
        root().addAppender(logs);
    }

    @AfterEach
    void releaseLogs() {
        root().detachAppender(logs);
    }

    @Test
    void noSecretShowsInLogsMessagesMetricsOrSettings(RunningPostgres postgres) throws Exception {
        runProducer(postgres);
        runSubscriber();
        refusedLogins();
        configurationErrors();
        for (int i = 0; i < logs.list.size(); i++) {
            printed.put("log line " + i + " of " + logs.list.get(i).getLoggerName(), render(logs.list.get(i)));
        }

        List<String> leaks = new ArrayList<>();
        printed.forEach((where, text) -> secretValues().forEach(secret -> {
            if (text.contains(secret)) {
                leaks.add(where + " shows " + secret + ": " + text);
            }
        }));
        assertEquals(List.of(), leaks);
        assertTrue(printed.size() > 20 && printed.keySet().stream().anyMatch(key -> key.startsWith("log line")),
                "too little was scanned: " + printed.keySet());
    }

    /** The producer's settings and startup, its password from a file. */
    private void runProducer(RunningPostgres postgres) throws Exception {
        String database = "secrets_" + System.nanoTime();
        TestDatabase db = TestDatabase.create(postgres, database);
        String url = db.jdbcUrl();
        db.sql("CREATE TABLE things (id int PRIMARY KEY, name text)");
        Map<String, String> environment = new HashMap<>(Map.of(
                "TRIBUTARY_POSTGRES_URL", url, "TRIBUTARY_POSTGRES_USER", postgres.user(),
                "TRIBUTARY_POSTGRES_PASSWORD_FILE", secretFile("tributary.postgres.password"),
                "TRIBUTARY_POSTGRES_SLOT", database, "TRIBUTARY_POSTGRES_PUBLICATION", database,
                "TRIBUTARY_POSTGRES_TABLES", "public.things",
                "TRIBUTARY_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "TRIBUTARY_KAFKA_TOPIC", "secrets-" + database, "TRIBUTARY_HTTP_PORT", "0"));
        ProducerSettings settings = ProducerSettings.load(null, environment);
        printed.put("ProducerSettings.toString", settings.toString());
        withKafkaSaslPassword(ProducerSettings.REFERENCE, environment).ifPresent(sasl -> printed.put(
                "ProducerSettings.toString with the Kafka SASL password", ProducerSettings.load(null, sasl).toString()));
        PrometheusMeterRegistry metrics = ServiceMetrics.newRegistry("etl-producer");
        startAndStop(new EtlProducer(settings, metrics));
        printed.put("producer /metrics", metrics.scrape());
    }

    /** The subscriber's settings with each way to authenticate, and its startup and /metrics on the secured node. */
    private void runSubscriber() throws Exception {
        String topic = "secrets-" + System.nanoTime();
        kafka.createTopic(topic, 1);
        Map<String, String> environment = subscriberEnvironment(topic, node.url());
        environment.put("TRIBUTARY_ELASTICSEARCH_USERNAME", node.username());
        environment.put("TRIBUTARY_ELASTICSEARCH_PASSWORD", node.password());
        SubscriberSettings settings = SubscriberSettings.load(null, environment);
        printed.put("SubscriberSettings.toString (the node's own password)", settings.toString());
        PrometheusMeterRegistry metrics = ServiceMetrics.newRegistry("es-subscriber");
        startAndStop(new EsSubscriber(settings, metrics));
        printed.put("subscriber /metrics", metrics.scrape());
        for (String key : List.of("api-key", "bearer-token", "password")) {
            Map<String, String> oneWay = subscriberEnvironment(topic, node.url());
            oneWay.put("TRIBUTARY_ELASTICSEARCH_" + key.toUpperCase().replace('-', '_') + "_FILE",
                    secretFile("tributary.elasticsearch." + key));
            if (key.equals("password")) {
                oneWay.put("TRIBUTARY_ELASTICSEARCH_USERNAME", node.username());
            }
            printed.put("SubscriberSettings.toString with " + key,
                    SubscriberSettings.load(null, oneWay).toString());
        }
        withKafkaSaslPassword(SubscriberSettings.REFERENCE, environment).ifPresent(sasl -> printed.put(
                "SubscriberSettings.toString with the Kafka SASL password",
                SubscriberSettings.load(null, sasl).toString()));
    }

    /** A wrong password on the node, a wrong API key and bearer token on the gateway: each start is refused. */
    private void refusedLogins() throws Exception {
        try (AuthGateway gateway = new AuthGateway(node)) {
            for (String key : List.of("password", "api-key", "bearer-token")) {
                String url = key.equals("password") ? node.url() : gateway.url();
                Map<String, String> environment = subscriberEnvironment("never-reached", url);
                environment.put("TRIBUTARY_ELASTICSEARCH_" + key.toUpperCase().replace('-', '_'),
                        SECRETS.get("tributary.elasticsearch." + key));
                if (key.equals("password")) {
                    environment.put("TRIBUTARY_ELASTICSEARCH_USERNAME", node.username());
                }
                EsSubscriber subscriber = new EsSubscriber(SubscriberSettings.load(null, environment),
                        ServiceMetrics.newRegistry("es-subscriber"));
                Throwable refused = assertThrows(IllegalStateException.class, subscriber::start);
                printed.put("refused " + key, messages(refused));
            }
        }
    }

    /** Each secret set twice, two ways to authenticate, and a mistake elsewhere while every secret is set. */
    private void configurationErrors() throws Exception {
        Map<String, String> producer = Map.of("TRIBUTARY_POSTGRES_URL", "jdbc:postgresql://db/app",
                "TRIBUTARY_POSTGRES_USER", "u", "TRIBUTARY_POSTGRES_TABLES", "public.t",
                "TRIBUTARY_KAFKA_BOOTSTRAP_SERVERS", "kafka:9092");
        for (String key : SecretKeys.KEYS) {
            for (String reference : List.of(ProducerSettings.REFERENCE, SubscriberSettings.REFERENCE)) {
                if (!ConfigLoader.knownKeyNames(ConfigLoader.loadReference(reference)).contains(key)) {
                    continue;
                }
                Map<String, String> environment = new HashMap<>(reference.equals(ProducerSettings.REFERENCE)
                        ? producer : subscriberEnvironment("t", node.url()));
                environment.put(variable(key), SECRETS.get(key));
                environment.put(variable(key + SecretKeys.FILE_SUFFIX), secretFile(key));
                printed.put(key + " set twice (" + reference + ")", configurationError(reference, environment));
            }
        }
        Map<String, String> twoWays = subscriberEnvironment("t", node.url());
        twoWays.put("TRIBUTARY_ELASTICSEARCH_API_KEY", SECRETS.get("tributary.elasticsearch.api-key"));
        twoWays.put("TRIBUTARY_ELASTICSEARCH_BEARER_TOKEN", SECRETS.get("tributary.elasticsearch.bearer-token"));
        printed.put("two ways to authenticate", configurationError(SubscriberSettings.REFERENCE, twoWays));
        Map<String, String> otherMistake = subscriberEnvironment("t", node.url());
        otherMistake.put("TRIBUTARY_ELASTICSEARCH_USERNAME", "u");
        otherMistake.put("TRIBUTARY_ELASTICSEARCH_PASSWORD", SECRETS.get("tributary.elasticsearch.password"));
        otherMistake.put("TRIBUTARY_ELASTICSEARCH_BULK_MAX_ACTIONS", "0");
        printed.put("another mistake", configurationError(SubscriberSettings.REFERENCE, otherMistake));
    }

    /** {@code environment} with a SASL_SSL login whose password comes from a file, if the service has that key. */
    private Optional<Map<String, String>> withKafkaSaslPassword(String reference, Map<String, String> environment)
            throws Exception {
        String key = "tributary.kafka.sasl.password";
        if (!ConfigLoader.knownKeyNames(ConfigLoader.loadReference(reference)).contains(key)) {
            return Optional.empty();
        }
        Map<String, String> sasl = new HashMap<>(environment);
        sasl.put("TRIBUTARY_KAFKA_SECURITY_PROTOCOL", "SASL_SSL");
        sasl.put("TRIBUTARY_KAFKA_SASL_USERNAME", "tributary");
        sasl.put(variable(key + SecretKeys.FILE_SUFFIX), secretFile(key));
        return Optional.of(sasl);
    }

    private static void startAndStop(ServiceLauncher.Service service) throws Exception {
        try {
            service.start();
        } finally {
            service.close();
        }
    }

    private String configurationError(String reference, Map<String, String> environment) {
        Supplier<Object> load = reference.equals(ProducerSettings.REFERENCE)
                ? () -> ProducerSettings.load(null, environment) : () -> SubscriberSettings.load(null, environment);
        return messages(assertThrows(InvalidConfigException.class, load::get));
    }

    private Map<String, String> subscriberEnvironment(String topic, String url) {
        Map<String, String> environment = new HashMap<>();
        environment.put("TRIBUTARY_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        environment.put("TRIBUTARY_KAFKA_TOPIC", topic);
        environment.put("TRIBUTARY_KAFKA_GROUP_ID", "group-" + topic);
        environment.put("TRIBUTARY_ELASTICSEARCH_URLS", url);
        environment.put("TRIBUTARY_ELASTICSEARCH_TLS_CA_FILE", node.certificates().caCertificate().toString());
        environment.put("TRIBUTARY_HTTP_PORT", "0");
        return environment;
    }

    /** A file holding the distinctive value of {@code key}, as Kubernetes mounts it (with a trailing newline). */
    private String secretFile(String key) throws Exception {
        Path file = dir.resolve(key + ".secret");
        Files.writeString(file, SECRETS.get(key) + "\n");
        return file.toString();
    }

    private static String variable(String key) {
        return key.toUpperCase().replace('.', '_').replace('-', '_');
    }

    /** The distinctive values, the node's real password, and the basic-auth header forms of both. */
    private List<String> secretValues() {
        List<String> values = new ArrayList<>(SECRETS.values());
        values.add(node.password());
        for (String password : List.of(node.password(), SECRETS.get("tributary.elasticsearch.password"))) {
            values.add(Base64.getEncoder().encodeToString((node.username() + ":" + password)
                    .getBytes(StandardCharsets.UTF_8)));
        }
        return values;
    }

    /** Every message of {@code failure}, its causes and suppressed exceptions, and their toString. */
    private static String messages(Throwable failure) {
        StringBuilder text = new StringBuilder();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            text.append(cause).append('\n');
            for (Throwable suppressed : cause.getSuppressed()) {
                text.append(messages(suppressed));
            }
        }
        return text.toString();
    }

    private static String render(ILoggingEvent event) {
        StringBuilder text = new StringBuilder(event.getFormattedMessage());
        for (IThrowableProxy cause = event.getThrowableProxy(); cause != null; cause = cause.getCause()) {
            text.append('\n').append(cause.getClassName()).append(": ").append(cause.getMessage());
        }
        return text.toString();
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }
}
