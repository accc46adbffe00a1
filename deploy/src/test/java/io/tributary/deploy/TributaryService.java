package io.tributary.deploy;

import io.tributary.config.ConfigLoader;
import io.tributary.config.EnvironmentOverrides;
import io.tributary.producer.ProducerSettings;
import io.tributary.subscriber.SubscriberSettings;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** The two services as deploy/ packages them: their names everywhere (Deployment, image, module) and loaders. */
enum TributaryService {

    PRODUCER("etl-producer", ProducerSettings.REFERENCE),
    SUBSCRIBER("es-subscriber", SubscriberSettings.REFERENCE);

    /** The module, Deployment, Service, container and image name. */
    final String moduleName;
    private final String reference;

    TributaryService(String moduleName, String reference) {
        this.moduleName = moduleName;
        this.reference = reference;
    }

    /** {@code tributary.http.port} as the service's own loader reads it from {@code configFile} and the environment. */
    int httpPort(Path configFile, Map<String, String> environment) {
        return switch (this) {
            case PRODUCER -> ProducerSettings.load(configFile, environment).httpPort();
            case SUBSCRIBER -> SubscriberSettings.load(configFile, environment).httpPort();
        };
    }

    /** Every environment variable that overrides one of the service's keys. */
    Set<String> knownVariables() {
        return ConfigLoader.knownKeyNames(ConfigLoader.loadReference(reference)).stream()
                .map(EnvironmentOverrides::variableFor).collect(Collectors.toSet());
    }

    @Override
    public String toString() {
        return moduleName;
    }
}
