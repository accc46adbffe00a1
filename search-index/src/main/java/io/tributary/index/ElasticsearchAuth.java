package io.tributary.index;

import io.tributary.config.Secret;
import java.util.Objects;
import org.apache.http.Header;
import org.apache.http.message.BasicHeader;

/**
 * How the subscriber (and the verifier) authenticate to Elasticsearch: not at all, basic authentication, an API key
 * or a bearer token; one of them, chosen by which of {@code tributary.elasticsearch.username}, {@code api-key} and
 * {@code bearer-token} is set. Each names its own settings, so a refusal says which one to check. No
 * {@code toString} shows a secret ({@link Secret}).
 */
public sealed interface ElasticsearchAuth {

    String PREFIX = "tributary.elasticsearch.";

    /** No credentials: a cluster without security. */
    ElasticsearchAuth NONE = new None();

    /** Who the requests come as, for messages: {@code "user ingest"}, {@code "the API key"}, … */
    String who();

    /** The settings to check when Elasticsearch refuses {@link #who()}. */
    String settings();

    /** What to do when Elasticsearch denies {@link #who()} a cluster privilege it needs. */
    String grant(String privilege);

    /**
     * The headers sent with every request: {@code Authorization} for a key or token; none for basic authentication,
     * whose credentials the client sends when challenged.
     */
    default Header[] headers() {
        return new Header[0];
    }

    /** Requests without credentials. */
    record None() implements ElasticsearchAuth {

        @Override
        public String who() {
            return "requests without credentials";
        }

        @Override
        public String settings() {
            return PREFIX + "username and password, " + PREFIX + "api-key or " + PREFIX + "bearer-token (or their"
                    + " -file settings)";
        }

        @Override
        public String grant(String privilege) {
            return "set " + settings();
        }
    }

    /** Basic authentication ({@code tributary.elasticsearch.username} and {@code password}). */
    record Basic(String username, Secret password) implements ElasticsearchAuth {

        public Basic {
            Objects.requireNonNull(password, "password");
            if (username.isEmpty()) {
                throw new IllegalArgumentException("basic authentication needs a user name");
            }
        }

        @Override
        public String who() {
            return "user " + username;
        }

        @Override
        public String settings() {
            return PREFIX + "username and password (or password-file)";
        }

        @Override
        public String grant(String privilege) {
            return "grant a role of user " + username + " the " + privilege + " cluster privilege, or check "
                    + PREFIX + "username";
        }
    }

    /** An API key ({@code tributary.elasticsearch.api-key}): the encoded form {@code POST /_security/api_key} returns. */
    record ApiKey(Secret key) implements ElasticsearchAuth {

        public ApiKey {
            Objects.requireNonNull(key, "key");
        }

        @Override
        public String who() {
            return "the API key";
        }

        @Override
        public String settings() {
            return PREFIX + "api-key (or api-key-file): the key may be wrong, expired or invalidated";
        }

        @Override
        public Header[] headers() {
            return new Header[] {new BasicHeader("Authorization", "ApiKey " + key.reveal())};
        }

        @Override
        public String grant(String privilege) {
            return "create an API key whose role descriptors include the " + privilege + " cluster privilege, or"
                    + " check " + PREFIX + "api-key";
        }
    }

    /** A bearer token ({@code tributary.elasticsearch.bearer-token}): an OAuth2 access token, a service token, a JWT. */
    record Bearer(Secret token) implements ElasticsearchAuth {

        public Bearer {
            Objects.requireNonNull(token, "token");
        }

        @Override
        public String who() {
            return "the bearer token";
        }

        @Override
        public String settings() {
            return PREFIX + "bearer-token (or bearer-token-file): the token may be wrong or expired";
        }

        @Override
        public Header[] headers() {
            return new Header[] {new BasicHeader("Authorization", "Bearer " + token.reveal())};
        }

        @Override
        public String grant(String privilege) {
            return "grant the token's user the " + privilege + " cluster privilege, or check " + PREFIX
                    + "bearer-token";
        }
    }
}
