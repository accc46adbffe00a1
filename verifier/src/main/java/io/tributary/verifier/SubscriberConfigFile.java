package io.tributary.verifier;

import com.typesafe.config.Config;
import io.tributary.config.ConfigLoader;
import io.tributary.config.SettingsReader;
import io.tributary.documents.DocumentSettings;
import io.tributary.index.ElasticsearchConnection;
import io.tributary.index.SearchEngine;
import io.tributary.index.mapping.TableMapping;
import io.tributary.index.mapping.TableSettingsReader;
import io.tributary.model.TableId;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What the verifier takes from the subscriber's configuration file, read with the subscriber's reference (its keys
 * and defaults, {@code TRIBUTARY_*} environment variables included, unknown keys refused) and by the same readers the
 * subscriber's settings use: so the cluster, the table mappings and the document types are the subscriber's.
 *
 * @param elasticsearch the node URLs, authentication and TLS trust
 * @param engine        the search engine; empty for {@code auto}, detected when connecting
 * @param tables        {@code tributary.tables}; a table without an entry is mapped by {@link TableMapping#defaults}
 * @param documents     the joined document types ({@code tributary.documents})
 */
record SubscriberConfigFile(ElasticsearchConnection elasticsearch, Optional<SearchEngine> engine,
                            Map<TableId, TableMapping> tables, DocumentSettings documents) {

    SubscriberConfigFile {
        tables = Map.copyOf(tables);
    }

    /**
     * A relative {@code mapping-file} is resolved against the directory of {@code file}, as the subscriber does.
     *
     * @throws io.tributary.config.InvalidConfigException naming the key at fault
     */
    static SubscriberConfigFile load(Path file, Map<String, String> environment) {
        Config config = ConfigLoader.load(ConfigLoader.SUBSCRIBER_REFERENCE, file, environment);
        SettingsReader read = new SettingsReader(config);
        return new SubscriberConfigFile(ElasticsearchConnection.read(read), SearchEngine.read(read),
                TableSettingsReader.read(config, TableSettingsReader.baseDirectoryOf(file)),
                DocumentSettings.read(config));
    }
}
