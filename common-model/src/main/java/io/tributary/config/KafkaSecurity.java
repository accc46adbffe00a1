package io.tributary.config;

import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;

/**
 * How every Kafka client of Tributary authenticates and encrypts ({@code tributary.kafka.security-protocol},
 * {@code sasl.*}, {@code ssl.ca-file}), mapped to Kafka client properties in this one place for the producer, the
 * subscriber (its consumer, dead-letter producer and admin clients), the topic inspector and the verifier. Read and
 * checked once at startup. {@link #toString()} never shows the password.
 *
 * @param protocol Kafka's {@code security.protocol}
 * @param sasl     the SASL login; present exactly when the protocol is SASL_PLAINTEXT or SASL_SSL
 * @param caFile   the PEM file of the CA that signed the brokers' certificates; empty for the JVM's trusted CAs
 */
public record KafkaSecurity(Protocol protocol, Optional<Sasl> sasl, Optional<Path> caFile) {

    public static final String PROTOCOL_KEY = "tributary.kafka.security-protocol";
    public static final String MECHANISM_KEY = "tributary.kafka.sasl.mechanism";
    public static final String USERNAME_KEY = "tributary.kafka.sasl.username";
    public static final String PASSWORD_KEY = "tributary.kafka.sasl.password";
    public static final String CA_FILE_KEY = "tributary.kafka.ssl.ca-file";
    public static final String PROPERTIES_KEY = "tributary.kafka.properties";

    /** No encryption, no login: Kafka's default. */
    public static final KafkaSecurity PLAINTEXT = new KafkaSecurity(Protocol.PLAINTEXT, Optional.empty(),
            Optional.empty());

    /** Kafka's {@code security.protocol} values. */
    public enum Protocol {
        PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL;

        public boolean usesSasl() {
            return this == SASL_PLAINTEXT || this == SASL_SSL;
        }

        public boolean usesTls() {
            return this == SSL || this == SASL_SSL;
        }
    }

    /** The SASL mechanisms offered, with the JAAS login module each needs. */
    public enum Mechanism {
        SCRAM_SHA_256("org.apache.kafka.common.security.scram.ScramLoginModule"),
        SCRAM_SHA_512("org.apache.kafka.common.security.scram.ScramLoginModule"),
        PLAIN("org.apache.kafka.common.security.plain.PlainLoginModule");

        private final String loginModule;

        Mechanism(String loginModule) {
            this.loginModule = loginModule;
        }

        /** As Kafka names it: {@code SCRAM-SHA-512}. */
        public String value() {
            return name().replace('_', '-');
        }
    }

    /** A SASL login; {@link #toString()} leaves the password out. */
    public record Sasl(Mechanism mechanism, String username, String password) {

        @Override
        public String toString() {
            return mechanism.value() + " as " + username;
        }

        /** Kafka's {@code sasl.jaas.config}: the login module with the quoted, escaped username and password. */
        String jaasConfig() {
            return mechanism.loginModule + " required username=" + quoted(username) + " password=" + quoted(password)
                    + ";";
        }

        private static String quoted(String text) {
            return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
    }

    /**
     * @throws InvalidConfigException naming the key: an unknown protocol or mechanism, SASL without a username or
     *                                password, a login or CA file the protocol does not use, a CA file that is
     *                                missing, unreadable or not PEM
     */
    public static KafkaSecurity read(SettingsReader read) {
        Protocol protocol = Protocol.valueOf(read.oneOf(PROTOCOL_KEY,
                Arrays.stream(Protocol.values()).map(Protocol::name).toList()));
        Mechanism mechanism = Mechanism.valueOf(read.oneOf(MECHANISM_KEY,
                Arrays.stream(Mechanism.values()).map(Mechanism::value).toList()).replace('-', '_'));
        Optional<String> username = read.optionalString(USERNAME_KEY);
        Optional<String> password = read.optionalString(PASSWORD_KEY);
        Optional<Path> caFile = PemCertificates.optionalFile(read, CA_FILE_KEY);
        Optional<Sasl> sasl = Optional.empty();
        if (protocol.usesSasl()) {
            String user = username.orElseThrow(() -> read.invalid(USERNAME_KEY, "must be set when " + PROTOCOL_KEY
                    + " is " + protocol + " (the SASL user)"));
            String secret = password.orElseThrow(() -> read.invalid(PASSWORD_KEY, "must be set when " + PROTOCOL_KEY
                    + " is " + protocol + " (the password of SASL user " + user + ")"));
            sasl = Optional.of(new Sasl(mechanism, user, secret));
        } else if (username.isPresent() || password.isPresent()) {
            throw read.invalid(username.isPresent() ? USERNAME_KEY : PASSWORD_KEY, "is set but " + PROTOCOL_KEY
                    + " is " + protocol + ", which sends no login; set " + PROTOCOL_KEY + " = SASL_SSL (or"
                    + " SASL_PLAINTEXT)");
        }
        if (caFile.isPresent() && !protocol.usesTls()) {
            throw read.invalid(CA_FILE_KEY, "is set but " + PROTOCOL_KEY + " is " + protocol + ", which does not use"
                    + " TLS; set " + PROTOCOL_KEY + " = SASL_SSL (or SSL)");
        }
        return new KafkaSecurity(protocol, sasl, caFile);
    }

    /**
     * The Kafka client properties of a service's configuration: these settings' properties, then
     * {@code tributary.kafka.properties} over them (so a property given there wins).
     */
    public static Map<String, String> clientProperties(SettingsReader read) {
        Map<String, String> properties = new LinkedHashMap<>(read(read).clientProperties());
        properties.putAll(read.flatStringMap(PROPERTIES_KEY));
        return hidingSecrets(properties);
    }

    /**
     * An unmodifiable copy of {@code properties} whose {@code toString} (in a settings record's, a log line) hides
     * logins ({@link #redacted}); equal to any map of the same entries.
     */
    public static Map<String, String> hidingSecrets(Map<String, String> properties) {
        return properties instanceof HiddenSecrets hidden ? hidden : new HiddenSecrets(properties);
    }

    private static final class HiddenSecrets extends AbstractMap<String, String> {
        private final Map<String, String> properties;

        HiddenSecrets(Map<String, String> properties) {
            this.properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
        }

        @Override
        public Set<Map.Entry<String, String>> entrySet() {
            return properties.entrySet();
        }

        @Override
        public String toString() {
            return redacted(properties).toString();
        }
    }

    /** {@code security.protocol}, and as the protocol needs {@code sasl.*} and {@code ssl.truststore.*}. */
    public Map<String, String> clientProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("security.protocol", protocol.name());
        sasl.ifPresent(login -> {
            properties.put("sasl.mechanism", login.mechanism().value());
            properties.put("sasl.jaas.config", login.jaasConfig());
        });
        caFile.ifPresent(file -> {
            properties.put("ssl.truststore.type", "PEM");
            properties.put("ssl.truststore.location", file.toString());
        });
        return properties;
    }

    /**
     * When a Kafka client failed because the brokers refused its login or the TLS handshake failed, says so and names
     * the settings to check; empty for any other failure (anywhere in {@code error}'s causes).
     *
     * @param bootstrapServers the brokers, for the message
     */
    public static Optional<String> describeFailure(Throwable error, String bootstrapServers) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SslAuthenticationException) {
                return Optional.of("the TLS handshake with Kafka at " + bootstrapServers + " failed (" + cause
                        .getMessage() + "); check " + CA_FILE_KEY + " (the PEM file of the CA that signed the brokers'"
                        + " certificates), that the brokers' certificates name the hosts in"
                        + " tributary.kafka.bootstrap-servers, and " + PROTOCOL_KEY);
            }
            if (cause instanceof AuthenticationException) {
                return Optional.of("Kafka at " + bootstrapServers + " refused the login (" + cause.getMessage()
                        + "); check " + USERNAME_KEY + ", " + PASSWORD_KEY + " and " + MECHANISM_KEY);
            }
        }
        return Optional.empty();
    }

    /**
     * {@code properties} fit for a log line or a settings {@code toString}: the value of {@code sasl.jaas.config} and
     * of every {@code *.password} property replaced by {@code [hidden]}.
     */
    public static Map<String, String> redacted(Map<String, String> properties) {
        Map<String, String> shown = new LinkedHashMap<>();
        properties.forEach((name, value) -> shown.put(name,
                name.equals("sasl.jaas.config") || name.endsWith("password") ? "[hidden]" : value));
        return shown;
    }

    @Override
    public String toString() {
        return protocol + sasl.map(login -> " " + login).orElse("")
                + caFile.map(file -> " trusting " + file).orElse("");
    }
}
