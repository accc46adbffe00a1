package io.tributary.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import javax.net.ssl.SSLException;

/**
 * How every PostgreSQL connection of a service uses TLS ({@code tributary.postgres.ssl.*}): pgjdbc's
 * {@code sslmode} and the CA file that verifies the server. Read and checked once at startup; each module's one
 * place that builds JDBC properties {@linkplain #applyTo applies} it, so the replication, query, lock and snapshot
 * connections, the subscriber's and the verifier's all connect alike.
 *
 * <p>Invariant: the settings and the JDBC URL never both decide. With the defaults ({@code prefer}, no CA file) a
 * URL that carries its own {@code ssl}, {@code sslmode}, {@code sslrootcert} or {@code sslfactory} parameter is
 * left to decide as before ({@link #mode} empty); setting the keys as well is a startup error, since pgjdbc would
 * let the URL win in silence.
 *
 * @param mode     pgjdbc's {@code sslmode}; empty when the JDBC URL's own parameters decide
 * @param rootCert the PEM file of the CA that signed the server's certificate; empty for pgjdbc's default
 *                 ({@code ~/.postgresql/root.crt}, used only by the verifying modes)
 */
public record PostgresTls(Optional<SslMode> mode, Optional<Path> rootCert) {

    public static final String MODE_KEY = "tributary.postgres.ssl.mode";
    public static final String ROOT_CERT_KEY = "tributary.postgres.ssl.root-cert";

    /** Nothing set: pgjdbc's own default ({@code prefer}), or what the JDBC URL's parameters say. */
    public static final PostgresTls DEFAULT = new PostgresTls(Optional.empty(), Optional.empty());

    private static final Set<String> URL_TLS_PARAMETERS = Set.of("ssl", "sslmode", "sslrootcert", "sslfactory");

    /** pgjdbc's (and libpq's) {@code sslmode} values. */
    public enum SslMode {
        DISABLE, ALLOW, PREFER, REQUIRE, VERIFY_CA, VERIFY_FULL;

        /** As written in the setting and in pgjdbc's {@code sslmode}: {@code verify-full}. */
        public String value() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** Whether the server's certificate is checked against a CA (and for verify-full its host name). */
        public boolean verifies() {
            return this == VERIFY_CA || this == VERIFY_FULL;
        }

        static List<String> values(SslMode... modes) {
            return Arrays.stream(modes).map(SslMode::value).toList();
        }
    }

    /**
     * Reads {@code tributary.postgres.ssl.*} for the database at {@code url}.
     *
     * @throws InvalidConfigException naming the key: an unknown mode, a CA file that is missing, unreadable or not
     *                                PEM, a verifying mode without a CA file, a CA file no mode uses, or keys that
     *                                contradict the URL's own TLS parameters
     */
    public static PostgresTls read(SettingsReader read, String url) {
        SslMode mode = SslMode.valueOf(read.oneOf(MODE_KEY, SslMode.values(SslMode.values()))
                .replace('-', '_').toUpperCase(Locale.ROOT));
        Optional<Path> rootCert = PemCertificates.optionalFile(read, ROOT_CERT_KEY);
        Optional<String> urlParameter = urlTlsParameter(url);
        if (urlParameter.isPresent()) {
            if (mode == SslMode.PREFER && rootCert.isEmpty()) {
                return DEFAULT;
            }
            throw read.invalid(MODE_KEY, "is set together with the parameter " + urlParameter.get() + " in"
                    + " tributary.postgres.url, which would win in silence; set TLS in one place (prefer "
                    + MODE_KEY + " and " + ROOT_CERT_KEY + ")");
        }
        if (rootCert.isPresent() && !mode.verifies()) {
            throw read.invalid(ROOT_CERT_KEY, "is set but " + MODE_KEY + " is " + mode.value() + ", which does"
                    + " not check the server's certificate; set " + MODE_KEY + " = verify-full (or verify-ca),"
                    + " or remove " + ROOT_CERT_KEY);
        }
        if (mode.verifies() && rootCert.isEmpty()) {
            Path fallback = defaultRootCert();
            if (!Files.isReadable(fallback)) {
                throw read.invalid(ROOT_CERT_KEY, "is not set, and " + MODE_KEY + " = " + mode.value() + " needs"
                        + " the CA that signed the server's certificate; give its PEM file (or place it at pgjdbc's"
                        + " default " + fallback + ")");
            }
            PemCertificates.checkReadable(read, ROOT_CERT_KEY, fallback);
        }
        return new PostgresTls(Optional.of(mode), rootCert);
    }

    /** The CA file pgjdbc reads when {@code sslrootcert} is not given: {@code ~/.postgresql/root.crt}. */
    static Path defaultRootCert() {
        return Path.of(System.getProperty("user.home"), ".postgresql", "root.crt");
    }

    /** Sets pgjdbc's {@code sslmode} and {@code sslrootcert} connection properties. */
    public void applyTo(Properties properties) {
        mode.ifPresent(value -> properties.setProperty("sslmode", value.value()));
        rootCert.ifPresent(file -> properties.setProperty("sslrootcert", file.toString()));
    }

    /**
     * When a connection failed because of TLS (a certificate no CA in the file signed, a host name the certificate
     * does not name, a server without TLS), says so and names the settings to check; empty for any other failure.
     *
     * @param server the server's address or URL, for the message
     */
    public static Optional<String> describeFailure(SQLException error, String server) {
        String message = String.valueOf(error.getMessage());
        if (message.contains("does not support SSL")) {
            return Optional.of("PostgreSQL at " + server + " does not accept TLS connections (" + message
                    + "); check " + MODE_KEY + " (require and verify-* need ssl = on in postgresql.conf)");
        }
        boolean tls = message.contains("hostname") && message.contains("could not be verified");
        for (Throwable cause = error; cause != null && !tls; cause = cause.getCause()) {
            tls = cause instanceof SSLException || cause instanceof CertificateException;
        }
        if (!tls) {
            return Optional.empty();
        }
        return Optional.of("the TLS handshake with PostgreSQL at " + server + " failed (" + message + "); check "
                + ROOT_CERT_KEY + " (the PEM file of the CA that signed the server's certificate), and with "
                + MODE_KEY + " = verify-full that the host in tributary.postgres.url is a name the certificate"
                + " lists");
    }

    private static Optional<String> urlTlsParameter(String url) {
        int query = url.indexOf('?');
        if (query < 0) {
            return Optional.empty();
        }
        return Arrays.stream(url.substring(query + 1).split("&"))
                .map(parameter -> parameter.split("=", 2)[0].toLowerCase(Locale.ROOT))
                .filter(URL_TLS_PARAMETERS::contains)
                .findFirst();
    }
}
