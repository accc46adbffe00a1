package io.tributary.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Typed, validated reads of configuration keys. Every failure is an {@link InvalidConfigException} that names the
 * key, the value found (and where it came from) and what is accepted, plus the environment variable that can set
 * it. Services build their settings records with this once, at startup.
 */
public final class SettingsReader {

    private final Config config;

    public SettingsReader(Config config) {
        this.config = config;
    }

    /** A string that must be set and not blank. */
    public String requiredString(String key) {
        String value = read(key, config::getString, "a string");
        if (value.isBlank()) {
            throw invalid(key, "must not be empty");
        }
        return value;
    }

    /** A string that may be absent (null in the reference) or empty; both read as empty. */
    public Optional<String> optionalString(String key) {
        if (!config.hasPath(key)) {
            return Optional.empty();
        }
        String value = read(key, config::getString, "a string");
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    /**
     * A secret ({@link SecretKeys}): the key's value, or the content of the file its {@code -file} sibling names
     * (read at load); {@link Secret#NONE} when neither is set. No error shows the value.
     */
    public Secret secret(String key) {
        if (!config.hasPath(key)) {
            return Secret.NONE;
        }
        if (config.getValue(key).valueType() == ConfigValueType.LIST
                || config.getValue(key).valueType() == ConfigValueType.OBJECT) {
            throw new InvalidConfigException(key + " must be a string" + origin(key) + howToSet(key));
        }
        return Secret.of(config.getString(key));
    }

    public int intBetween(String key, int min, int max) {
        int value = read(key, config::getInt, "a whole number");
        if (value < min || value > max) {
            throw invalid(key, "must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    public boolean bool(String key) {
        return read(key, config::getBoolean, "true or false");
    }

    /** A duration such as {@code 10s} or {@code 500ms}, at least {@code min}. */
    public Duration durationAtLeast(String key, Duration min) {
        Duration value = read(key, config::getDuration, "a duration such as 500ms, 10s or 1m");
        if (value.compareTo(min) < 0) {
            throw invalid(key, "must be at least " + min.toMillis() + "ms, got " + value.toMillis() + "ms");
        }
        return value;
    }

    /** A size such as {@code 5MB} ({@code 5,000,000}) or {@code 64MiB}, between {@code min} and {@code max} bytes. */
    public long bytesBetween(String key, long min, long max) {
        long value = read(key, config::getBytes, "a size such as 5MB or 512kB");
        if (value < min || value > max) {
            throw invalid(key, "must be between " + min + " and " + max + " bytes, got " + value);
        }
        return value;
    }

    /**
     * A list of non-blank strings with at least {@code minSize} items. A single string is read as a comma-separated
     * list, the same form the environment variables take.
     */
    public List<String> stringList(String key, int minSize) {
        List<String> values = read(key, this::listOrCommaSeparated, "a list of strings");
        for (String value : values) {
            if (value.isBlank()) {
                throw invalid(key, "must not contain empty items, got " + values);
            }
        }
        if (values.size() < minSize) {
            throw invalid(key, "needs at least " + minSize + " item(s), got none");
        }
        return List.copyOf(values);
    }

    private List<String> listOrCommaSeparated(String key) {
        if (config.getValue(key).valueType() == ConfigValueType.STRING) {
            String text = config.getString(key);
            return text.isBlank() ? List.of() : Arrays.stream(text.split(",")).map(String::trim).toList();
        }
        return config.getStringList(key);
    }

    /** A list of http(s) URLs, at least one. */
    public List<URI> httpUrls(String key) {
        List<String> values = stringList(key, 1);
        return values.stream().map(text -> {
            URI uri;
            try {
                uri = URI.create(text.trim());
            } catch (IllegalArgumentException e) {
                throw invalid(key, "'" + text + "' is not a URL");
            }
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw invalid(key, "'" + text + "' is not an http:// or https:// URL with a host");
            }
            return uri;
        }).toList();
    }

    /** A value that must be one of {@code allowed} (compared as written). */
    public String oneOf(String key, List<String> allowed) {
        String value = requiredString(key);
        if (!allowed.contains(value)) {
            throw invalid(key, "must be one of " + allowed + ", got '" + value + "'");
        }
        return value;
    }

    /**
     * A free-form object of settings passed through to a client library, flattened to dotted names:
     * {@code { "security.protocol" = SSL, linger.ms = 5 }} gives {@code security.protocol=SSL, linger.ms=5}.
     */
    public Map<String, String> flatStringMap(String key) {
        Config object = read(key, config::getConfig, "an object of settings such as { \"security.protocol\" = SSL }");
        Map<String, String> values = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigValue> entry : object.entrySet()) {
            values.put(String.join(".", ConfigUtil.splitPath(entry.getKey())), String.valueOf(entry.getValue().unwrapped()));
        }
        return values;
    }

    /** Converts a value with {@code parser}; an IllegalArgumentException from it becomes an error naming the key. */
    public <T> T parsed(String key, Function<String, T> parser) {
        String value = requiredString(key);
        try {
            return parser.apply(value);
        } catch (IllegalArgumentException e) {
            throw invalid(key, e.getMessage());
        }
    }

    /** An error about {@code key}, for cross-key rules the service checks itself. */
    public InvalidConfigException invalid(String key, String problem) {
        return new InvalidConfigException(key + " " + problem + origin(key) + howToSet(key));
    }

    private <T> T read(String key, Function<String, T> getter, String expected) {
        if (!config.hasPathOrNull(key) || config.getIsNull(key)) {
            throw new InvalidConfigException(key + " is required but not set" + howToSet(key));
        }
        try {
            return getter.apply(key);
        } catch (ConfigException.WrongType | ConfigException.BadValue e) {
            ConfigValue value = config.getValue(key);
            throw new InvalidConfigException(key + " must be " + expected + ", got " + value.render()
                    + origin(key) + howToSet(key), e);
        }
    }

    private String origin(String key) {
        if (!config.hasPath(key)) {
            return "";
        }
        String description = config.getValue(key).origin().description();
        return description == null ? "" : " (from " + description + ")";
    }

    private static String howToSet(String key) {
        return "; set " + key + " in the config file or the environment variable "
                + EnvironmentOverrides.variableFor(key);
    }
}
