package io.tributary.index;

import io.tributary.config.Secret;
import io.tributary.config.SettingsReader;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach Elasticsearch: the node URLs, how to authenticate and which certificates to trust. Read and
 * validated once at startup ({@link #read}); {@link ElasticsearchClientFactory} builds every client from it. No
 * {@code toString} shows a secret.
 *
 * @param urls at least one {@code http://} or {@code https://} node URL
 * @param auth one way to authenticate, or {@link ElasticsearchAuth#NONE}
 * @param tls  the certificates trusted for {@code https://} URLs
 */
public record ElasticsearchConnection(List<URI> urls, ElasticsearchAuth auth, ElasticsearchTls tls) {

    private static final String PREFIX = ElasticsearchAuth.PREFIX;

    public ElasticsearchConnection {
        urls = List.copyOf(urls);
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("no Elasticsearch URL");
        }
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(tls, "tls");
    }

    /** A cluster without security, or with basic authentication when {@code username} is not empty. */
    public static ElasticsearchConnection basic(List<URI> urls, String username, String password) {
        return new ElasticsearchConnection(urls, username.isEmpty() ? ElasticsearchAuth.NONE
                : new ElasticsearchAuth.Basic(username, Secret.of(password)), ElasticsearchTls.DEFAULT);
    }

    /** These URLs with the same authentication and trust. */
    public ElasticsearchConnection withUrls(List<URI> urls) {
        return new ElasticsearchConnection(urls, auth, tls);
    }

    /**
     * Reads {@code tributary.elasticsearch.urls}, the authentication keys ({@code username}/{@code password},
     * {@code api-key}, {@code bearer-token}: at most one way) and {@code tls.ca-file} or {@code tls.fingerprint}
     * (only with {@code https://} URLs).
     *
     * @throws io.tributary.config.InvalidConfigException naming the keys at fault
     */
    public static ElasticsearchConnection read(SettingsReader read) {
        List<URI> urls = read.httpUrls(PREFIX + "urls");
        for (URI url : urls) {
            if (url.getRawUserInfo() != null) {
                // Not echoed: the user info may hold a password. The client would not send it anyway.
                throw read.invalid(PREFIX + "urls", "holds credentials in a URL (user@host); put them in "
                        + PREFIX + "username and password (or password-file), api-key or bearer-token instead");
            }
        }
        return new ElasticsearchConnection(urls, auth(read), tls(read, urls));
    }

    private static ElasticsearchAuth auth(SettingsReader read) {
        String username = read.optionalString(PREFIX + "username").orElse("");
        Secret password = read.secret(PREFIX + "password");
        Secret apiKey = read.secret(PREFIX + "api-key");
        Secret bearerToken = read.secret(PREFIX + "bearer-token");
        List<String> methods = new ArrayList<>();
        if (!username.isEmpty() || !password.isEmpty()) {
            methods.add(PREFIX + "username/password (basic authentication)");
        }
        if (!apiKey.isEmpty()) {
            methods.add(PREFIX + "api-key");
        }
        if (!bearerToken.isEmpty()) {
            methods.add(PREFIX + "bearer-token");
        }
        if (methods.size() > 1) {
            throw read.invalid(PREFIX + "api-key", "and the other ways to authenticate are exclusive: "
                    + String.join(", ", methods) + " are set (or their -file settings); keep one");
        }
        if (!apiKey.isEmpty()) {
            return new ElasticsearchAuth.ApiKey(apiKey);
        }
        if (!bearerToken.isEmpty()) {
            return new ElasticsearchAuth.Bearer(bearerToken);
        }
        if (!password.isEmpty() && username.isEmpty()) {
            throw read.invalid(PREFIX + "username", "must be set when " + PREFIX + "password (or password-file) is");
        }
        return username.isEmpty() ? ElasticsearchAuth.NONE : new ElasticsearchAuth.Basic(username, password);
    }

    private static ElasticsearchTls tls(SettingsReader read, List<URI> urls) {
        Optional<String> caFile = read.optionalString(ElasticsearchTls.CA_FILE_KEY);
        Optional<String> fingerprint = read.optionalString(ElasticsearchTls.FINGERPRINT_KEY);
        if (caFile.isEmpty() && fingerprint.isEmpty()) {
            return ElasticsearchTls.DEFAULT;
        }
        String key = caFile.isPresent() ? ElasticsearchTls.CA_FILE_KEY : ElasticsearchTls.FINGERPRINT_KEY;
        if (caFile.isPresent() && fingerprint.isPresent()) {
            throw read.invalid(key, "and " + ElasticsearchTls.FINGERPRINT_KEY + " are both set; set one of them");
        }
        if (urls.stream().noneMatch(url -> "https".equals(url.getScheme()))) {
            throw read.invalid(key, "is set, but no URL of " + PREFIX + "urls is https:// " + urls
                    + "; use https:// URLs or unset it");
        }
        try {
            return caFile.isPresent() ? ElasticsearchTls.CaFile.read(Path.of(caFile.get()))
                    : ElasticsearchTls.Fingerprint.parse(fingerprint.get());
        } catch (IllegalArgumentException e) {
            throw read.invalid(key, caFile.isPresent() ? "names a file that " + e.getMessage() : e.getMessage());
        }
    }
}
