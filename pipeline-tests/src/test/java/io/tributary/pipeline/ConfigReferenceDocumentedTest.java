package io.tributary.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.config.ConfigLoader;
import io.tributary.producer.ProducerSettings;
import io.tributary.subscriber.SubscriberSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** docs/configuration.md names every key the services know, so the documentation cannot drift. */
class ConfigReferenceDocumentedTest {

    @ParameterizedTest
    @ValueSource(strings = {ProducerSettings.REFERENCE, SubscriberSettings.REFERENCE})
    void configurationReferenceListsEveryKey(String reference) throws Exception {
        String documented = Files.readString(Path.of("..", "docs", "configuration.md"));

        List<String> undocumented = ConfigLoader.knownKeyNames(ConfigLoader.loadReference(reference)).stream()
                .filter(key -> !documented.contains("`" + key + "`"))
                .toList();

        assertEquals(List.of(), undocumented, "keys of " + reference + " missing from docs/configuration.md");
    }
}
