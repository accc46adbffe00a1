package io.tributary.verifier;

import io.tributary.config.ConfigLoader;
import io.tributary.config.EventTarget;
import io.tributary.config.SettingsReader;
import io.tributary.model.TableId;
import io.tributary.shaping.NumericMode;
import io.tributary.shaping.source.PostgresEndpoint;
import io.tributary.shaping.source.TableSelection;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What the verifier takes from the producer's configuration file, read with the producer's reference (its keys and
 * defaults, {@code TRIBUTARY_*} environment variables included, unknown keys refused) and by the same readers the
 * producer's settings use: so the database, the tables, the values and the topics are the producer's.
 *
 * @param endpoint    the database ({@code tributary.postgres.url}, {@code user}, {@code password}, {@code ssl.*})
 * @param publication {@code tributary.postgres.publication}, which joined document types must be covered by
 * @param tables      {@code tributary.postgres.tables}: names or patterns, resolved as the producer resolves them
 * @param numericMode how the producer writes {@code numeric} values
 * @param events      where the producer sends changes ({@code tributary.kafka.*}): where repairs go
 */
record ProducerConfigFile(PostgresEndpoint endpoint, String publication, List<TableId> tables,
                          NumericMode numericMode, EventTarget events) {

    ProducerConfigFile {
        tables = List.copyOf(tables);
    }

    /** @throws io.tributary.config.InvalidConfigException naming the key at fault */
    static ProducerConfigFile load(Path file, Map<String, String> environment) {
        SettingsReader read = new SettingsReader(ConfigLoader.load(ConfigLoader.PRODUCER_REFERENCE, file,
                environment));
        return new ProducerConfigFile(PostgresEndpoint.read(read), read.requiredString("tributary.postgres.publication"),
                TableSelection.entries(read), NumericMode.read(read), EventTarget.read(read));
    }
}
