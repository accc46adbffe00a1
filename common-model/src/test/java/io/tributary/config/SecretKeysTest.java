package io.tributary.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretKeysTest {

    private static final String REFERENCE = "io/tributary/config/test-reference.conf";
    private static final String PASSWORD = "pg-Secret-7f3a";

    @TempDir
    Path dir;

    @Test
    void secretComesFromTheFileItsFileKeyNamesWithoutTheTrailingNewline() throws Exception {
        Path secret = Files.writeString(dir.resolve("password"), PASSWORD + "\n");

        Config config = ConfigLoader.load(REFERENCE, conf("tributary.postgres.password-file = \"" + secret + "\""),
                Map.of());

        assertEquals(Secret.of(PASSWORD), new SettingsReader(config).secret("tributary.postgres.password"));
    }

    @Test
    void fileKeyWorksAsAnEnvironmentVariableAndTheSecretItselfToo() throws Exception {
        Path secret = Files.writeString(dir.resolve("password"), PASSWORD + "\r\n");

        Config fromFile = ConfigLoader.load(REFERENCE, null, Map.of("TRIBUTARY_POSTGRES_PASSWORD_FILE",
                secret.toString()));
        Config fromVariable = ConfigLoader.load(REFERENCE, null, Map.of("TRIBUTARY_POSTGRES_PASSWORD", PASSWORD));

        assertEquals(PASSWORD, new SettingsReader(fromFile).secret("tributary.postgres.password").reveal());
        assertEquals(PASSWORD, new SettingsReader(fromVariable).secret("tributary.postgres.password").reveal());
    }

    @Test
    void secretSetBothWaysFailsNamingBothKeysButNotTheSecret() throws Exception {
        Path secret = Files.writeString(dir.resolve("password"), "from-file-9c1e");

        InvalidConfigException error = assertThrows(InvalidConfigException.class, () -> ConfigLoader.load(REFERENCE,
                conf("tributary.postgres.password-file = \"" + secret + "\""),
                Map.of("TRIBUTARY_POSTGRES_PASSWORD", PASSWORD)));

        assertTrue(error.getMessage().startsWith("tributary.postgres.password and tributary.postgres.password-file"
                + " are both set"), error.getMessage());
        assertFalse(error.getMessage().contains(PASSWORD) || error.getMessage().contains("from-file-9c1e"),
                error.getMessage());
    }

    @Test
    void unreadableFileFailsNamingTheKeyAndThePath() {
        Path missing = dir.resolve("no-such-secret");

        InvalidConfigException error = assertThrows(InvalidConfigException.class, () -> ConfigLoader.load(REFERENCE,
                null, Map.of("TRIBUTARY_POSTGRES_PASSWORD_FILE", missing.toString())));

        assertTrue(error.getMessage().startsWith("tributary.postgres.password-file names " + missing
                + ", which cannot be read (NoSuchFileException)"), error.getMessage());
    }

    @Test
    void onlySecretKeysTheReferenceKnowsGetAFileKey() {
        Config reference = ConfigLoader.loadReference(REFERENCE);

        assertTrue(reference.hasPath("tributary.postgres.password-file"));
        assertFalse(reference.hasPathOrNull("tributary.kafka.sasl.password-file"));
        assertThrows(InvalidConfigException.class, () -> ConfigLoader.load(REFERENCE,
                conf("tributary.kafka.sasl.password-file = \"/run/secrets/kafka\""), Map.of()));
    }

    @Test
    void aSecretKeyAServiceGainsGetsItsFileKeyWithNothingElseToDo() throws Exception {
        Path secret = Files.writeString(dir.resolve("sasl"), "kafka-Secret-11\n");

        Config config = ConfigLoader.load("io/tributary/config/sasl-reference.conf", null,
                Map.of("TRIBUTARY_KAFKA_SASL_PASSWORD_FILE", secret.toString()));

        assertEquals("kafka-Secret-11", new SettingsReader(config).secret("tributary.kafka.sasl.password").reveal());
    }

    @Test
    void secretNeverShowsItsValue() {
        assertEquals("******", Secret.of(PASSWORD).toString());
        assertEquals("(none)", Secret.NONE.toString());
        assertTrue(SecretKeys.isSecret("tributary.kafka.sasl.password"));
    }

    private Path conf(String hocon) throws Exception {
        return Files.writeString(dir.resolve("app.conf"), hocon);
    }
}
