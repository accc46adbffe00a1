package io.tributary.index;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Which certificates the client trusts for {@code https://} node URLs, as the official Elasticsearch clients offer:
 * the JVM's default trust store, the CA certificates of a PEM file ({@code tributary.elasticsearch.tls.ca-file}), or
 * the SHA-256 fingerprint of one certificate of the node's chain ({@code tributary.elasticsearch.tls.fingerprint},
 * as Elasticsearch prints its HTTP CA's at first start). Host names are verified in every case. Immutable.
 */
public sealed interface ElasticsearchTls {

    String CA_FILE_KEY = "tributary.elasticsearch.tls.ca-file";
    String FINGERPRINT_KEY = "tributary.elasticsearch.tls.fingerprint";

    /** The JVM's default trust store. */
    ElasticsearchTls DEFAULT = new DefaultTrust();

    /** The context the client's connections are made with. */
    SSLContext sslContext();

    /** What to check when a TLS handshake fails. */
    String advice();

    /** The JVM's default trust store (public CAs, or what {@code javax.net.ssl.trustStore} names). */
    record DefaultTrust() implements ElasticsearchTls {

        @Override
        public SSLContext sslContext() {
            try {
                return SSLContext.getDefault();
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("this JVM offers no default TLS context", e);
            }
        }

        @Override
        public String advice() {
            return "the node's certificate is not trusted by the JVM's default trust store: set " + CA_FILE_KEY
                    + " (the CA's PEM file) or " + FINGERPRINT_KEY;
        }
    }

    /**
     * The CA certificates of a PEM file, read at startup.
     *
     * @param path         the file, as configured
     * @param certificates its certificates, at least one
     */
    record CaFile(Path path, List<X509Certificate> certificates) implements ElasticsearchTls {

        public CaFile {
            certificates = List.copyOf(certificates);
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException("no certificate in " + path);
            }
        }

        /**
         * @throws IllegalArgumentException saying why, when {@code path} cannot be read or holds no PEM certificate
         */
        public static CaFile read(Path path) {
            try (InputStream in = Files.newInputStream(path)) {
                List<X509Certificate> certificates = CertificateFactory.getInstance("X.509")
                        .generateCertificates(in).stream().map(X509Certificate.class::cast).toList();
                if (certificates.isEmpty()) {
                    throw new IllegalArgumentException(path.toAbsolutePath() + " holds no certificate; give the PEM"
                            + " file of the CA that signed the nodes' HTTP certificates (BEGIN CERTIFICATE)");
                }
                return new CaFile(path, certificates);
            } catch (IOException e) {
                throw new IllegalArgumentException(path.toAbsolutePath() + " cannot be read ("
                        + e.getClass().getSimpleName() + ")");
            } catch (CertificateException e) {
                throw new IllegalArgumentException(path.toAbsolutePath() + " is not a PEM certificate file ("
                        + e.getMessage() + ")");
            }
        }

        @Override
        public SSLContext sslContext() {
            try {
                KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
                trusted.load(null, null);
                for (int i = 0; i < certificates.size(); i++) {
                    trusted.setCertificateEntry("ca-" + i, certificates.get(i));
                }
                TrustManagerFactory factory = TrustManagerFactory.getInstance(
                        TrustManagerFactory.getDefaultAlgorithm());
                factory.init(trusted);
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, factory.getTrustManagers(), null);
                return context;
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException("cannot trust the certificates of " + path + " (" + CA_FILE_KEY
                        + "): " + e.getMessage(), e);
            }
        }

        @Override
        public String advice() {
            return "the node's certificate is not signed by a CA of " + CA_FILE_KEY + " (" + path + "), or is not"
                    + " issued for the host of the URL: check the file and tributary.elasticsearch.urls";
        }

        @Override
        public String toString() {
            return "CaFile[" + path + "]";
        }
    }

    /**
     * One certificate of the node's chain, by the SHA-256 fingerprint of its DER encoding: the chain is trusted if
     * it holds that certificate and each certificate below it is signed by the next and valid now.
     *
     * @param sha256 64 lower-case hex digits
     */
    record Fingerprint(String sha256) implements ElasticsearchTls {

        public Fingerprint {
            if (!sha256.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("'" + sha256 + "' is not a SHA-256 fingerprint (64 hex digits)");
            }
        }

        /**
         * Reads a fingerprint as Elasticsearch prints it, {@code B1:6C:…} or {@code b16c…}.
         *
         * @throws IllegalArgumentException when it is not 32 bytes in hex
         */
        public static Fingerprint parse(String text) {
            String hex = text.replace(":", "").replaceAll("\\s", "").toLowerCase(Locale.ROOT);
            if (!hex.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("is not a SHA-256 fingerprint (64 hex digits, colons allowed, such"
                        + " as Elasticsearch prints at first start or openssl x509 -fingerprint -sha256 shows), got '"
                        + text + "'");
            }
            return new Fingerprint(hex);
        }

        @Override
        public SSLContext sslContext() {
            try {
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, new TrustManager[] {new PinnedTrust(sha256)}, null);
                return context;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot set up TLS pinned to " + FINGERPRINT_KEY, e);
            }
        }

        @Override
        public String advice() {
            return "no certificate of the node's chain has the SHA-256 fingerprint of " + FINGERPRINT_KEY
                    + ", or the node's certificate is not issued for the host of the URL";
        }
    }

    /** Trusts a server chain that holds the pinned certificate (see {@link Fingerprint}). */
    final class PinnedTrust implements X509TrustManager {

        private final String sha256;

        PinnedTrust(String sha256) {
            this.sha256 = sha256;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            Optional<Integer> pinned = indexOfPinned(chain);
            if (pinned.isEmpty()) {
                throw new CertificateException("no certificate of the server's chain has the SHA-256 fingerprint of "
                        + FINGERPRINT_KEY);
            }
            for (int i = 0; i < pinned.get(); i++) {
                chain[i].checkValidity();
                try {
                    chain[i].verify(chain[i + 1].getPublicKey());
                } catch (GeneralSecurityException e) {
                    throw new CertificateException("certificate " + chain[i].getSubjectX500Principal()
                            + " is not signed by the next one of the chain", e);
                }
            }
            chain[pinned.get()].checkValidity();
        }

        private Optional<Integer> indexOfPinned(X509Certificate[] chain) throws CertificateException {
            try {
                MessageDigest digest = MessageDigest.getInstance("SHA-256");
                for (int i = 0; i < chain.length; i++) {
                    if (HexFormat.of().formatHex(digest.digest(chain[i].getEncoded())).equals(sha256)) {
                        return Optional.of(i);
                    }
                }
                return Optional.empty();
            } catch (NoSuchAlgorithmException e) {
                throw new CertificateException("this JVM has no SHA-256", e);
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("not a server");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
