package io.tributary.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a service's configuration once, at startup: its reference file (every key with its default and
 * description; a key set to {@code null} there is required), overlaid by the HOCON file given with
 * {@code --config}, overlaid by {@linkplain EnvironmentOverrides environment variables}; then each secret whose
 * {@code -file} key is set is read from its file ({@link SecretKeys}).
 *
 * <p>Each service's reference sits under its own package path ({@link #PRODUCER_REFERENCE},
 * {@link #SUBSCRIBER_REFERENCE}) rather than at the classpath root, so a classpath holding both still gives each
 * exactly its own keys. Both live here, in common-model, so the tools that read a service's file (the verifier) read
 * it with the same keys and defaults without the service's jar.
 *
 * <p>A key under {@code tributary} that the reference does not know is an error (with the closest known key as a
 * hint), because a misspelt key would otherwise be ignored in silence and its default used.
 */
public final class ConfigLoader {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);

    /** The root every Tributary key lives under. */
    public static final String ROOT = "tributary";

    /** The producer's keys, defaults and descriptions. */
    public static final String PRODUCER_REFERENCE = "io/tributary/producer/reference.conf";

    /** The subscriber's keys, defaults and descriptions. */
    public static final String SUBSCRIBER_REFERENCE = "io/tributary/subscriber/reference.conf";

    private ConfigLoader() {
    }

    /**
     * @param referenceResource the classpath resource holding the service's keys and defaults
     * @param file              the user's configuration file, or null to run on defaults and environment alone
     * @param environment       the process environment (pass {@code System.getenv()})
     * @throws InvalidConfigException when the file is missing or not HOCON, or names an unknown key
     */
    public static Config load(String referenceResource, Path file, Map<String, String> environment) {
        return overReference(referenceResource, file == null ? ConfigFactory.empty() : parseFile(file), environment);
    }

    /**
     * As {@link #load(String, Path, Map)} with {@code settings} in place of the file's and no environment: how tests
     * and tools give a service's settings in code.
     *
     * @throws InvalidConfigException when {@code settings} names an unknown key
     */
    public static Config load(String referenceResource, Config settings) {
        return overReference(referenceResource, settings, Map.of());
    }

    private static Config overReference(String referenceResource, Config fromFile, Map<String, String> environment) {
        Config reference = loadReference(referenceResource);
        Map<String, ConfigValueType> knownKeys = knownKeys(reference);
        rejectUnknownKeys(fromFile, reference, knownKeys);
        Config fromEnvironment = EnvironmentOverrides.from(knownKeys, environment);
        EnvironmentOverrides.likelyMisspelt(knownKeys.keySet(), environment).forEach(LOG::warn);
        Config merged;
        try {
            merged = fromEnvironment.withFallback(fromFile).withFallback(reference).resolve();
        } catch (ConfigException e) {
            throw new InvalidConfigException("cannot resolve the configuration: " + e.getMessage(), e);
        }
        return SecretKeys.readFiles(merged);
    }

    /**
     * The service's reference (keys, defaults, descriptions) alone, with the {@code -file} sibling of each secret
     * key ({@link SecretKeys}).
     */
    public static Config loadReference(String referenceResource) {
        return SecretKeys.withFileKeys(ConfigFactory.parseResources(ConfigLoader.class.getClassLoader(),
                referenceResource, ConfigParseOptions.defaults().setAllowMissing(false)));
    }

    /** Every key under {@link #ROOT} the reference knows, in order. */
    public static Set<String> knownKeyNames(Config reference) {
        return knownKeys(reference).keySet();
    }

    private static Config parseFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidConfigException("configuration file " + file.toAbsolutePath() + " does not exist"
                    + " (or is not a regular file); pass an existing HOCON file");
        }
        try {
            return ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
        } catch (ConfigException e) {
            throw new InvalidConfigException("configuration file " + file + " is not valid HOCON: " + e.getMessage(), e);
        }
    }

    /** Every leaf key under {@link #ROOT} in the reference, with the type of its default (NULL when required). */
    static Map<String, ConfigValueType> knownKeys(Config reference) {
        Map<String, ConfigValueType> keys = new TreeMap<>();
        if (reference.hasPathOrNull(ROOT)) {
            collectLeaves(ROOT, reference.getValue(ROOT), keys);
        }
        return keys;
    }

    private static void collectLeaves(String path, ConfigValue value, Map<String, ConfigValueType> keys) {
        if (value.valueType() == ConfigValueType.OBJECT && !((ConfigObject) value).isEmpty()) {
            for (Map.Entry<String, ConfigValue> child : ((ConfigObject) value).entrySet()) {
                collectLeaves(path + "." + ConfigUtil.joinPath(child.getKey()), child.getValue(), keys);
            }
        } else {
            keys.put(path, value.valueType());
        }
    }

    private static void rejectUnknownKeys(Config fromFile, Config reference, Map<String, ConfigValueType> knownKeys) {
        if (!fromFile.hasPathOrNull(ROOT)) {
            return;
        }
        Map<String, ConfigValueType> given = new TreeMap<>();
        collectLeaves(ROOT, fromFile.getValue(ROOT), given);
        List<String> problems = new ArrayList<>();
        for (String key : given.keySet()) {
            if (!isKnown(key, reference)) {
                String hint = KeySuggestion.closest(key, knownKeys.keySet())
                        .map(known -> " (did you mean " + known + "?)").orElse("");
                problems.add("unknown configuration key " + key + hint);
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfigException(String.join("; ", problems)
                    + ". The configuration reference in docs/configuration.md lists every key.");
        }
    }

    /** Known: the reference has the key, or an ancestor of it that is an empty object (a free-form map). */
    private static boolean isKnown(String key, Config reference) {
        if (reference.hasPathOrNull(key)) {
            return true;
        }
        List<String> segments = ConfigUtil.splitPath(key);
        for (int length = segments.size() - 1; length > 0; length--) {
            String prefix = ConfigUtil.joinPath(segments.subList(0, length));
            if (reference.hasPathOrNull(prefix)) {
                ConfigValue value = reference.getValue(prefix);
                return value.valueType() == ConfigValueType.OBJECT && ((ConfigObject) value).isEmpty();
            }
        }
        return false;
    }
}
