package io.tributary.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.security.JaasContext;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;

class KafkaSecurityTest {

    private static final String DEFAULTS = """
            tributary.kafka {
              security-protocol = PLAINTEXT
              sasl { mechanism = SCRAM-SHA-512, username = "", password = "" }
              ssl.ca-file = ""
              properties {}
            }
            """;

    private static SettingsReader reader(String hocon) {
        return new SettingsReader(ConfigFactory.parseString(hocon).withFallback(ConfigFactory.parseString(DEFAULTS)));
    }

    private static void assertRefused(String hocon, String... fragments) {
        InvalidConfigException error = assertThrows(InvalidConfigException.class,
                () -> KafkaSecurity.read(reader(hocon)));
        for (String fragment : fragments) {
            assertTrue(error.getMessage().contains(fragment), "expected '" + fragment + "' in: " + error.getMessage());
        }
    }

    @Test
    void defaultsArePlaintextAsKafkasOwn() {
        assertEquals(Map.of("security.protocol", "PLAINTEXT"), KafkaSecurity.clientProperties(reader("")));
    }

    @Test
    void saslSslMapsToKafkaClientProperties() {
        Path ca = PostgresTlsTest.testCa();
        Map<String, String> properties = KafkaSecurity.clientProperties(reader("""
                tributary.kafka { security-protocol = SASL_SSL, sasl { mechanism = SCRAM-SHA-256,
                  username = tributary, password = "pa\\"ss\\\\word" }, ssl.ca-file = "%s" }
                """.formatted(ca)));
        assertEquals("SASL_SSL", properties.get("security.protocol"));
        assertEquals("SCRAM-SHA-256", properties.get("sasl.mechanism"));
        assertEquals("PEM", properties.get("ssl.truststore.type"));
        assertEquals(ca.toAbsolutePath().toString(), properties.get("ssl.truststore.location"));
        // Kafka's own parser reads back the username and the password with its quote and backslash.
        var entry = JaasContext.loadClientContext(Map.of("sasl.jaas.config",
                new Password(properties.get("sasl.jaas.config")))).configurationEntries().get(0);
        assertEquals("org.apache.kafka.common.security.scram.ScramLoginModule", entry.getLoginModuleName());
        assertEquals("tributary", entry.getOptions().get("username"));
        assertEquals("pa\"ss\\word", entry.getOptions().get("password"));
    }

    @Test
    void thePassThroughPropertiesOverrideTheMappedOnes() {
        Map<String, String> properties = KafkaSecurity.clientProperties(reader("""
                tributary.kafka { security-protocol = SASL_PLAINTEXT, sasl { mechanism = PLAIN, username = u,
                  password = p }, properties { "sasl.mechanism" = "SCRAM-SHA-512", linger.ms = 7 } }
                """));
        assertEquals("SCRAM-SHA-512", properties.get("sasl.mechanism"));
        assertEquals("7", properties.get("linger.ms"));
        assertTrue(properties.get("sasl.jaas.config").startsWith("org.apache.kafka.common.security.plain."));
    }

    @Test
    void mistakesNameTheKey() {
        assertRefused("tributary.kafka.security-protocol = SASL_TLS",
                "tributary.kafka.security-protocol must be one of [PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL]",
                "TRIBUTARY_KAFKA_SECURITY_PROTOCOL");
        assertRefused("tributary.kafka.sasl.mechanism = GSSAPI",
                "tributary.kafka.sasl.mechanism must be one of [SCRAM-SHA-256, SCRAM-SHA-512, PLAIN]");
        assertRefused("tributary.kafka.security-protocol = SASL_SSL",
                "tributary.kafka.sasl.username must be set when tributary.kafka.security-protocol is SASL_SSL");
        assertRefused("tributary.kafka { security-protocol = SASL_SSL, sasl.username = u }",
                "tributary.kafka.sasl.password must be set", "TRIBUTARY_KAFKA_SASL_PASSWORD");
        assertRefused("tributary.kafka { security-protocol = SASL_SSL, sasl { username = u, password = p },"
                + " ssl.ca-file = /no/such/ca.pem }", "tributary.kafka.ssl.ca-file names /no/such/ca.pem",
                "does not exist");
        assertRefused("tributary.kafka.sasl { username = u, password = p }",
                "tributary.kafka.sasl.username is set but tributary.kafka.security-protocol is PLAINTEXT");
        assertRefused("tributary.kafka.ssl.ca-file = \"" + PostgresTlsTest.testCa() + "\"",
                "tributary.kafka.ssl.ca-file is set but tributary.kafka.security-protocol is PLAINTEXT");
    }

    @Test
    void thePasswordIsInNoMessageAndNoToString() {
        KafkaSecurity security = KafkaSecurity.read(reader(
                "tributary.kafka { security-protocol = SASL_SSL, sasl { username = u, password = s3cr3t-pw } }"));
        assertFalse(security.toString().contains("s3cr3t-pw"), security.toString());
        assertEquals("SASL_SSL SCRAM-SHA-512 as u", security.toString());
    }

    @Test
    void refusedLoginsAndHandshakesAreToldApartFromOtherFailures() {
        String login = KafkaSecurity.describeFailure(new KafkaException("wrapped", new SaslAuthenticationException(
                "Authentication failed during authentication due to invalid credentials with SASL mechanism"
                        + " SCRAM-SHA-512")), "k:9093").orElseThrow();
        assertTrue(login.startsWith("Kafka at k:9093 refused the login"), login);
        assertTrue(login.contains("check tributary.kafka.sasl.username, tributary.kafka.sasl.password"), login);
        String handshake = KafkaSecurity.describeFailure(new SslAuthenticationException("SSL handshake failed"),
                "k:9093").orElseThrow();
        assertTrue(handshake.contains("the TLS handshake with Kafka at k:9093 failed"), handshake);
        assertTrue(handshake.contains("check tributary.kafka.ssl.ca-file"), handshake);
        assertEquals(Optional.empty(), KafkaSecurity.describeFailure(new TimeoutException("slow"), "k:9093"));
    }
}
