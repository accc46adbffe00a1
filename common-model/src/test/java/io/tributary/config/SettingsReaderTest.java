package io.tributary.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class SettingsReaderTest {

    private static SettingsReader reader(String hocon) {
        return new SettingsReader(ConfigFactory.parseString(hocon));
    }

    private static void assertMessage(Executable read, String... fragments) {
        InvalidConfigException error = assertThrows(InvalidConfigException.class, read);
        for (String fragment : fragments) {
            assertTrue(error.getMessage().contains(fragment), "expected '" + fragment + "' in: " + error.getMessage());
        }
    }

    @Test
    void missingRequiredKeyNamesTheKeyAndItsEnvironmentVariable() {
        SettingsReader reader = reader("tributary.postgres.url = null");
        assertMessage(() -> reader.requiredString("tributary.postgres.url"),
                "tributary.postgres.url is required but not set", "TRIBUTARY_POSTGRES_URL");
        assertMessage(() -> reader.requiredString("tributary.postgres.user"), "tributary.postgres.user is required");
    }

    @Test
    void wrongTypeNamesKeyValueAndExpectation() {
        SettingsReader reader = reader("tributary.kafka.partitions = twelve");
        assertMessage(() -> reader.intBetween("tributary.kafka.partitions", 1, 10_000),
                "tributary.kafka.partitions must be a whole number, got \"twelve\"");
    }

    @Test
    void outOfRangeNamesTheBounds() {
        SettingsReader reader = reader("tributary.kafka.partitions = 0");
        assertMessage(() -> reader.intBetween("tributary.kafka.partitions", 1, 10_000),
                "tributary.kafka.partitions must be between 1 and 10000, got 0");
    }

    @Test
    void readsValidValues() {
        SettingsReader reader = reader("a = 5\nb = 250ms\nc = [x, y]\nd = \"http://es:9200\"\ne = true\nf = \"\"");
        assertEquals(5, reader.intBetween("a", 1, 10));
        assertEquals(Duration.ofMillis(250), reader.durationAtLeast("b", Duration.ofMillis(1)));
        assertEquals(List.of("x", "y"), reader.stringList("c", 1));
        assertEquals("es", reader.httpUrls("d").get(0).getHost());
        assertTrue(reader.bool("e"));
        assertTrue(reader.optionalString("f").isEmpty());
    }

    @Test
    void badListsDurationsAndUrlsAreNamed() {
        assertMessage(() -> reader("c = []").stringList("c", 1), "c needs at least 1 item(s)");
        assertMessage(() -> reader("b = 10 parsecs").durationAtLeast("b", Duration.ZERO), "b must be a duration");
        assertMessage(() -> reader("d = \"es:9200\"").httpUrls("d"), "'es:9200' is not an http:// or https:// URL");
        assertMessage(() -> reader("m = fast").oneOf("m", List.of("slow", "steady")),
                "m must be one of [slow, steady], got 'fast'");
    }
}
