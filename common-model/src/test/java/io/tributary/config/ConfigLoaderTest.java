package io.tributary.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    private static final String REFERENCE = "io/tributary/config/test-reference.conf";

    @TempDir
    Path dir;

    private Path file(String hocon) throws Exception {
        Path file = dir.resolve("app.conf");
        Files.writeString(file, hocon);
        return file;
    }

    @Test
    void fileOverridesDefaultsAndEnvironmentOverridesFile() throws Exception {
        Path file = file("tributary.kafka.partitions = 6\ntributary.postgres.url = \"jdbc:postgresql://db/app\"");
        Config config = ConfigLoader.load(REFERENCE, file, Map.of(
                "TRIBUTARY_KAFKA_BOOTSTRAP_SERVERS", "broker:9092",
                "TRIBUTARY_POSTGRES_TABLES", "public.a, sales.b",
                "UNRELATED", "x"));

        assertEquals(6, config.getInt("tributary.kafka.partitions"));
        assertEquals("broker:9092", config.getString("tributary.kafka.bootstrap-servers"));
        assertEquals(List.of("public.a", "sales.b"), config.getStringList("tributary.postgres.tables"));
        assertEquals(Duration.ofMillis(5), config.getDuration("tributary.kafka.linger"));
    }

    @Test
    void environmentCanSetARequiredKeyWithoutAFile() {
        Config config = ConfigLoader.load(REFERENCE, null, Map.of("TRIBUTARY_POSTGRES_URL", "jdbc:postgresql://x/y"));

        assertEquals("jdbc:postgresql://x/y", new SettingsReader(config).requiredString("tributary.postgres.url"));
    }

    @Test
    void misspeltKeyFailsWithTheClosestKnownKey() throws Exception {
        Path file = file("tributary.kafka.bootstrap-server = \"x:1\"");

        InvalidConfigException error = assertThrows(InvalidConfigException.class,
                () -> ConfigLoader.load(REFERENCE, file, Map.of()));

        assertTrue(error.getMessage().contains("unknown configuration key tributary.kafka.bootstrap-server"
                + " (did you mean tributary.kafka.bootstrap-servers?)"), error.getMessage());
    }

    @Test
    void keysUnderAFreeFormMapAreAccepted() throws Exception {
        Path file = file("tributary.table-overrides.\"public.orders\".index = orders");

        Config config = ConfigLoader.load(REFERENCE, file, Map.of());

        assertEquals("orders", config.getString("tributary.table-overrides.\"public.orders\".index"));
    }

    @Test
    void missingFileAndBrokenSyntaxAreReportedWithThePath() throws Exception {
        Path missing = dir.resolve("nope.conf");
        InvalidConfigException notThere = assertThrows(InvalidConfigException.class,
                () -> ConfigLoader.load(REFERENCE, missing, Map.of()));
        assertTrue(notThere.getMessage().contains("nope.conf does not exist"), notThere.getMessage());

        Path broken = file("tributary { kafka { partitions = ");
        InvalidConfigException notHocon = assertThrows(InvalidConfigException.class,
                () -> ConfigLoader.load(REFERENCE, broken, Map.of()));
        assertTrue(notHocon.getMessage().contains("app.conf is not valid HOCON"), notHocon.getMessage());
    }

    @Test
    void environmentVariableNamesFollowTheDocumentedRule() {
        assertEquals("TRIBUTARY_KAFKA_BOOTSTRAP_SERVERS", EnvironmentOverrides.variableFor("tributary.kafka.bootstrap-servers"));
    }

    @Test
    void aVariableCloseToAKeysVariableIsReportedAsLikelyMisspeltAndOthersAreLeftAlone() {
        List<String> warnings = EnvironmentOverrides.likelyMisspelt(
                java.util.Set.of("tributary.postgres.url", "tributary.kafka.bootstrap-servers"), Map.of(
                        "TRIBUTARY_POSTGRES_URLL", "jdbc:postgresql://x/y",
                        "TRIBUTARY_POSTGRES_URL", "jdbc:postgresql://x/y",
                        "TRIBUTARY_ELASTICSEARCH_USERNAME", "elastic",
                        "PATH", "/usr/bin"));

        assertEquals(List.of("environment variable TRIBUTARY_POSTGRES_URLL is not a setting of this service and is"
                + " ignored; did you mean TRIBUTARY_POSTGRES_URL (tributary.postgres.url)?"), warnings);
    }
}
