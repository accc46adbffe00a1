package io.tributary.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.tributary.index.ElasticsearchAuth;
import io.tributary.producer.ProducerSettings;
import io.tributary.subscriber.SubscriberSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The HOCON each Deployment is started with (its --config file, followed through the volume mount to the
 * ConfigMap) loads and validates with the service's own loader, and the passwords from Secrets reach the keys.
 */
class ServiceConfigMapsTest {

    static final List<String> SITES = Site.NAMES;

    @TempDir
    Path directory;

    @ParameterizedTest
    @FieldSource("SITES")
    void producerConfigLoadsAndTakesThePostgresPasswordFromTheSecret(String name) {
        ContainerLaunch launch = ContainerLaunch.of(Site.render(name), "etl-producer");
        ProducerSettings settings = ProducerSettings.load(launch.writeConfig(directory), launch.environment());
        assertEquals(ContainerLaunch.dummySecret("tributary-postgres", "password"),
                settings.source().endpoint().password().reveal());
    }

    @ParameterizedTest
    @FieldSource("SITES")
    void subscriberConfigLoadsAndTakesTheElasticsearchPasswordFromTheSecret(String name) {
        ContainerLaunch launch = ContainerLaunch.of(Site.render(name), "es-subscriber");
        SubscriberSettings settings = SubscriberSettings.load(launch.writeConfig(directory), launch.environment());
        assertEquals(ContainerLaunch.dummySecret("tributary-elasticsearch", "password"),
                ((ElasticsearchAuth.Basic) settings.elasticsearch().connection().auth()).password().reveal());
    }

    @ParameterizedTest
    @FieldSource("SITES")
    void subscriberConsumesTheTopicTheProducerWritesOnTheSameBrokers(String name) {
        Site site = Site.render(name);
        ContainerLaunch producerLaunch = ContainerLaunch.of(site, "etl-producer");
        ContainerLaunch subscriberLaunch = ContainerLaunch.of(site, "es-subscriber");
        ProducerSettings producer = ProducerSettings.load(producerLaunch.writeConfig(directory),
                producerLaunch.environment());
        SubscriberSettings subscriber = SubscriberSettings.load(subscriberLaunch.writeConfig(directory),
                subscriberLaunch.environment());
        assertEquals(producer.target().topic(), subscriber.kafka().topic());
        assertEquals(producer.target().bootstrapServers(), subscriber.kafka().bootstrapServers());
    }

    @ParameterizedTest
    @FieldSource("SITES")
    void everyVariableFromASecretOverridesAKeyTheServiceKnows(String name) {
        Site site = Site.render(name);
        for (TributaryService service : TributaryService.values()) {
            Map<String, SecretKeySelector> secrets = ContainerLaunch.of(site, service.moduleName)
                    .secretVariables(site.deployment(service.moduleName).getSpec().getTemplate().getSpec());
            assertFalse(secrets.isEmpty(), service + " takes no password from a Secret");
            for (String variable : secrets.keySet()) {
                assertTrue(service.knownVariables().contains(variable),
                        service + ": " + variable + " overrides no configuration key, so the Secret is ignored");
            }
        }
    }
}
