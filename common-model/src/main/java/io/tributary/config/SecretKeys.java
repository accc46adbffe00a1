package io.tributary.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The one place that knows which configuration keys hold a secret (a password, an API key, a token), and reads a
 * secret from the file its {@code <key>-file} sibling names, the way Kubernetes mounts Secrets.
 *
 * <p>Every key of {@link #KEYS} that a service's reference knows gets a {@code -file} sibling (default {@code ""}),
 * also when the reference does not declare it, so the sibling is a known key (in a file and as an environment
 * variable, {@code TRIBUTARY_ELASTICSEARCH_PASSWORD_FILE}) wherever the secret is. A key of the list that a service
 * does not know is skipped: adding a new secret key to a reference and to this list is all it takes.
 *
 * <p>At load the file's content (UTF-8, trailing line breaks removed) replaces the key's value, so settings read the
 * secret with {@link SettingsReader#secret} wherever it came from. The key and its file both set, or a file that
 * cannot be read, is an {@link InvalidConfigException} naming the key and the path, never the secret.
 */
public final class SecretKeys {

    /** Every key holding a secret, in any service. */
    public static final List<String> KEYS = List.of(
            "tributary.postgres.password",
            "tributary.elasticsearch.password",
            "tributary.elasticsearch.api-key",
            "tributary.elasticsearch.bearer-token",
            "tributary.kafka.sasl.password");

    /** The suffix of the key naming the file a secret is read from. */
    public static final String FILE_SUFFIX = "-file";

    private SecretKeys() {
    }

    /** Whether {@code key} holds a secret. */
    public static boolean isSecret(String key) {
        return KEYS.contains(key);
    }

    /** {@code reference} with a {@code -file} sibling, default {@code ""}, for each secret key it knows. */
    static Config withFileKeys(Config reference) {
        Config result = reference;
        for (String key : KEYS) {
            String fileKey = key + FILE_SUFFIX;
            if (reference.hasPathOrNull(key) && !reference.hasPathOrNull(fileKey)) {
                result = result.withValue(fileKey, ConfigValueFactory.fromAnyRef("", "secret file of " + key));
            }
        }
        return result;
    }

    /**
     * {@code config} with each secret whose {@code -file} is set read from that file.
     *
     * @throws InvalidConfigException when a secret is set both ways, or its file cannot be read
     */
    static Config readFiles(Config config) {
        Config result = config;
        for (String key : KEYS) {
            String fileKey = key + FILE_SUFFIX;
            String file = text(config, fileKey);
            if (file.isEmpty()) {
                continue;
            }
            if (!text(config, key).isEmpty()) {
                throw new InvalidConfigException(key + " and " + fileKey + " are both set" + origins(config, key,
                        fileKey) + "; set only one of them (environment variables "
                        + EnvironmentOverrides.variableFor(key) + " and " + EnvironmentOverrides.variableFor(fileKey)
                        + " count as set)");
            }
            result = result.withValue(key, ConfigValueFactory.fromAnyRef(read(fileKey, Path.of(file)),
                    "file " + file + " (" + fileKey + ")"));
        }
        return result;
    }

    private static String read(String fileKey, Path file) {
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            throw new InvalidConfigException(fileKey + " names " + file.toAbsolutePath() + ", which cannot be read ("
                    + e.getClass().getSimpleName() + "); mount the secret there or fix the path, in the config file"
                    + " or the environment variable " + EnvironmentOverrides.variableFor(fileKey));
        }
        int end = content.length();
        while (end > 0 && (content.charAt(end - 1) == '\n' || content.charAt(end - 1) == '\r')) {
            end--;
        }
        if (end == 0) {
            throw new InvalidConfigException(fileKey + " names " + file.toAbsolutePath() + ", which is empty; put"
                    + " the secret in it, or unset " + fileKey);
        }
        return content.substring(0, end);
    }

    private static String text(Config config, String key) {
        if (!config.hasPath(key)) {
            return "";
        }
        try {
            return config.getString(key);
        } catch (ConfigException.WrongType e) {
            throw new InvalidConfigException(key + " must be a string" + origins(config, key));
        }
    }

    private static String origins(Config config, String... keys) {
        StringBuilder text = new StringBuilder(" (");
        for (int i = 0; i < keys.length; i++) {
            String description = config.getValue(keys[i]).origin().description();
            text.append(i == 0 ? "" : ", ").append(keys[i]).append(" from ").append(description);
        }
        return text.append(')').toString();
    }
}
