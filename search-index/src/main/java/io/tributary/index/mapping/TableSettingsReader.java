package io.tributary.index.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.tributary.config.InvalidConfigException;
import io.tributary.config.SettingsReader;
import io.tributary.documents.ColumnSelection;
import io.tributary.documents.ColumnSelectionReader;
import io.tributary.index.mapping.IndexNaming;
import io.tributary.index.mapping.TableMapping;
import io.tributary.model.ChangeEventJson;
import io.tributary.model.TableId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads and validates {@value #KEY}: a free-form object (the config loader accepts any key under it), so every
 * entry and field is checked here, once, at startup. Entries are keyed by {@code "schema.table"} (quoted, as the
 * name holds a dot) with the optional fields of {@link #FIELDS}. The environment variable {@code TRIBUTARY_TABLES}
 * may hold the whole object as HOCON text.
 *
 * <p>Every mistake is an {@link InvalidConfigException} naming the entry and field: an unknown field, a wrong type,
 * an impossible index or alias name, columns and exclude both set, a rename onto a dropped column or onto the same
 * field twice, a mapping file that is missing or not a JSON object of mappings.
 */
public final class TableSettingsReader {

    public static final String KEY = "tributary.tables";
    public static final List<String> FIELDS = List.of("index", "columns", "exclude", "rename", "routing", "alias",
            "mapping-file");

    private final SettingsReader read;
    private final Path baseDirectory;

    /** @param baseDirectory what a relative mapping-file path is resolved against */
    private TableSettingsReader(SettingsReader read, Path baseDirectory) {
        this.read = read;
        this.baseDirectory = baseDirectory;
    }

    /**
     * What a relative {@code mapping-file} of {@code configFile} is resolved against: the file's directory, or the
     * working directory when there is no file.
     *
     * @param configFile the configuration file; null when there is none
     */
    public static Path baseDirectoryOf(Path configFile) {
        return configFile == null || configFile.toAbsolutePath().getParent() == null ? Path.of("")
                : configFile.toAbsolutePath().getParent();
    }

    public static Map<TableId, TableMapping> read(Config config, Path baseDirectory) {
        SettingsReader read = new SettingsReader(config);
        if (!config.hasPath(KEY)) {
            return Map.of();
        }
        ConfigObject tables = tablesObject(config, read);
        TableSettingsReader reader = new TableSettingsReader(read, baseDirectory);
        Map<TableId, TableMapping> mappings = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigValue> entry : tables.entrySet()) {
            TableMapping mapping = reader.entry(entry.getKey(), entry.getValue());
            if (mappings.put(mapping.table(), mapping) != null) {
                throw reader.invalid(ConfigUtil.joinPath(entry.getKey()), "names table " + mapping.table()
                        + " a second time");
            }
        }
        return mappings;
    }

    private static ConfigObject tablesObject(Config config, SettingsReader read) {
        ConfigValue value = config.getValue(KEY);
        if (value.valueType() == ConfigValueType.STRING) {
            try {
                return ConfigFactory.parseString((String) value.unwrapped()).root();
            } catch (ConfigException e) {
                throw read.invalid(KEY, "must be an object of tables (HOCON such as"
                        + " '\"shop.orders\" { routing = tenant_id }'): " + e.getMessage());
            }
        }
        if (value.valueType() != ConfigValueType.OBJECT) {
            throw read.invalid(KEY, "must be an object of tables such as { \"shop.orders\" { routing = tenant_id } },"
                    + " got " + value.render());
        }
        return (ConfigObject) value;
    }

    private TableMapping entry(String name, ConfigValue value) {
        TableId table;
        try {
            table = TableId.parse(name);
        } catch (IllegalArgumentException e) {
            throw invalid(ConfigUtil.joinPath(name), "is not a table name: " + e.getMessage());
        }
        if (value.valueType() != ConfigValueType.OBJECT) {
            throw invalid(ConfigUtil.joinPath(name), "must be an object of table settings " + FIELDS + ", got "
                    + value.render());
        }
        Config fields = ((ConfigObject) value).toConfig();
        for (Map.Entry<String, ConfigValue> field : ((ConfigObject) value).entrySet()) {
            if (!FIELDS.contains(field.getKey())) {
                String hint = field.getValue().valueType() == ConfigValueType.OBJECT
                        ? "; quote table names, which contain a dot: \"" + name + "." + field.getKey() + "\" { … }"
                        : "";
                throw invalid(ConfigUtil.joinPath(name), "has an unknown field '" + field.getKey() + "' (known: "
                        + FIELDS + ")" + hint);
            }
        }
        ColumnSelection columns = ColumnSelectionReader.read(ConfigUtil.joinPath(name), fields, this::invalid);
        Optional<String> alias = indexName(name, fields, "alias");
        Optional<String> index = indexName(name, fields, "index");
        if (alias.isPresent() && index.isPresent()) {
            throw invalid(ConfigUtil.joinPath(name), "sets both index and alias, which mean the same (the name the"
                    + " table's documents are searched by); set one of them");
        }
        String target;
        if (alias.isPresent() || index.isPresent()) {
            target = alias.orElseGet(index::get);
        } else {
            try {
                target = IndexNaming.indexFor(table);
            } catch (IllegalArgumentException e) {
                throw invalid(ConfigUtil.joinPath(name), "needs an index or alias: " + e.getMessage());
            }
        }
        String concrete = target + TableMapping.FIRST_GENERATION;
        return new TableMapping(table, concrete, Optional.of(target), columns.include(), columns.exclude(),
                columns.rename(), string(name, fields, "routing"),
                mappingFile(name, fields));
    }

    private Optional<String> string(String entry, Config fields, String field) {
        if (!fields.hasPath(field)) {
            return Optional.empty();
        }
        ConfigValue value = fields.getValue(field);
        if (value.valueType() != ConfigValueType.STRING || ((String) value.unwrapped()).isBlank()) {
            throw invalid(ConfigUtil.joinPath(entry, field), "must be a non-empty string, got " + value.render());
        }
        return Optional.of((String) value.unwrapped());
    }

    private Optional<String> indexName(String entry, Config fields, String field) {
        Optional<String> name = string(entry, fields, field);
        name.flatMap(IndexNaming::problem).ifPresent(problem -> {
            throw invalid(ConfigUtil.joinPath(entry, field), "'" + name.get() + "' " + problem);
        });
        return name;
    }

    private Optional<TableMapping.MappingFile> mappingFile(String entry, Config fields) {
        Optional<String> text = string(entry, fields, "mapping-file");
        if (text.isEmpty()) {
            return Optional.empty();
        }
        String where = ConfigUtil.joinPath(entry, "mapping-file");
        Path path = baseDirectory.resolve(text.get()).toAbsolutePath().normalize();
        JsonNode json;
        try {
            json = ChangeEventJson.mapper().readTree(Files.readAllBytes(path));
        } catch (IOException e) {
            throw invalid(where, "cannot read " + path + ": " + e.getClass().getSimpleName() + " " + e.getMessage());
        }
        if (json == null || !json.isObject()) {
            throw invalid(where, path + " must hold a JSON object of mappings such as {\"properties\": {…}}");
        }
        if (json.has("mappings")) {
            throw invalid(where, path + " holds a create-index body; give the mappings object alone (what"
                    + " GET /<index>/_mapping shows under \"mappings\")");
        }
        return Optional.of(new TableMapping.MappingFile(path, (ObjectNode) json));
    }

    /** @param what the entry, or the entry and field, in HOCON path form ({@code "shop.orders".columns}) */
    private InvalidConfigException invalid(String what, String problem) {
        return read.invalid(KEY, "entry " + what + " " + problem);
    }
}
