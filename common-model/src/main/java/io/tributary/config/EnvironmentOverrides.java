package io.tributary.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Environment variables that override configuration keys, so one jar runs unchanged in Kubernetes.
 *
 * <p>The rule: upper-case the key and replace every {@code .} and {@code -} with {@code _}; so
 * {@code tributary.kafka.bootstrap-servers} is {@code TRIBUTARY_KAFKA_BOOTSTRAP_SERVERS}. Only keys the service
 * knows (those in its {@code reference.conf}) are looked up, which keeps the mapping unambiguous. A list key takes a
 * comma-separated value ({@code TRIBUTARY_POSTGRES_TABLES=public.orders,public.customers}); every other key takes the
 * text as HOCON would read it from a file.
 */
public final class EnvironmentOverrides {

    private static final String VARIABLE_PREFIX = variableFor(ConfigLoader.ROOT) + "_";

    private EnvironmentOverrides() {
    }

    /** The environment variable that overrides {@code path}. */
    public static String variableFor(String path) {
        return path.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /**
     * The overrides found in {@code environment} for the keys of {@code reference}.
     *
     * @param keys every known key with the type its default has (NULL for required keys without a default)
     */
    static Config from(Map<String, ConfigValueType> keys, Map<String, String> environment) {
        Map<String, Object> overrides = new HashMap<>();
        for (Map.Entry<String, ConfigValueType> key : keys.entrySet()) {
            String value = environment.get(variableFor(key.getKey()));
            if (value == null) {
                continue;
            }
            if (key.getValue() == ConfigValueType.LIST) {
                List<String> items = value.isBlank() ? List.of()
                        : Arrays.stream(value.split(",")).map(String::trim).toList();
                overrides.put(key.getKey(), items);
            } else {
                overrides.put(key.getKey(), value);
            }
        }
        return ConfigFactory.parseMap(overrides, "environment variables");
    }

    /**
     * Warnings for {@code TRIBUTARY_*} variables that are no key's variable but close to one: most likely misspelt,
     * and otherwise silently ignored. A variable far from every key is left alone, since the other service's
     * variables may share the environment.
     */
    static List<String> likelyMisspelt(Set<String> keys, Map<String, String> environment) {
        Map<String, String> keyOfVariable = new TreeMap<>();
        keys.forEach(key -> keyOfVariable.put(variableFor(key), key));
        List<String> warnings = new ArrayList<>();
        environment.keySet().stream().filter(name -> name.startsWith(VARIABLE_PREFIX))
                .filter(name -> !keyOfVariable.containsKey(name)).sorted()
                .forEach(name -> KeySuggestion.closest(name, keyOfVariable.keySet()).ifPresent(close ->
                        warnings.add("environment variable " + name + " is not a setting of this service and is"
                                + " ignored; did you mean " + close + " (" + keyOfVariable.get(close) + ")?")));
        return warnings;
    }
}
