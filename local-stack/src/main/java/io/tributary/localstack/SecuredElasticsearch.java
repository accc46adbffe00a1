package io.tributary.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Elasticsearch with security on, started by {@link LocalStack#securedElasticsearch()}: HTTPS only,
 * with a certificate for 127.0.0.1 signed by a CA of its own ({@link #certificates()}), and one file-realm user with
 * the superuser role. API keys and tokens cannot be created on it: the integ-test distribution lacks the
 * analysis-common module the {@code .security} index needs ({@code Unknown filter type [pattern_capture]}).
 *
 * <p>Thread-safe: lifecycle calls are serialised; nothing it returns changes.
 */
public final class SecuredElasticsearch {

    private static final Logger LOG = LoggerFactory.getLogger(SecuredElasticsearch.class);
    private static final String USER = "tributary";

    private final ElasticsearchProcess process;
    private final TestCertificates certificates;
    private final String password;
    private boolean running;

    private SecuredElasticsearch(ElasticsearchProcess process, TestCertificates certificates, String password) {
        this.process = process;
        this.certificates = certificates;
        this.password = password;
    }

    /** Configures a new secured node on free ports and starts it. */
    static SecuredElasticsearch launch(StackSettings settings) {
        long started = System.nanoTime();
        Path material = settings.newServiceDirectory("elasticsearch-tls-material", false);
        TestCertificates certificates = TestCertificates.generate(material, "elasticsearch");
        String password = "es-superuser-" + HexFormat.of().formatHex(randomBytes(6));
        ElasticsearchProcess process = ElasticsearchProcess.configure(settings, FreePorts.next(), FreePorts.next(),
                new ElasticsearchProcess.Security(certificates, USER, password));
        SecuredElasticsearch elasticsearch = new SecuredElasticsearch(process, certificates, password);
        elasticsearch.start();
        LOG.info("secured Elasticsearch ready on {} in {} ms (log: {})", elasticsearch.url(),
                (System.nanoTime() - started) / 1_000_000, process.logFile());
        return elasticsearch;
    }

    /** {@code https://127.0.0.1:<port>}. */
    public String url() {
        return process.url();
    }

    /** The CA that signed the node's certificate, and the node's certificate and key. */
    public TestCertificates certificates() {
        return certificates;
    }

    /** The SHA-256 fingerprint of the CA certificate, in lower-case hex, as {@code tls.fingerprint} takes it. */
    public String caFingerprint() {
        try (InputStream in = Files.newInputStream(certificates.caCertificate())) {
            byte[] der = CertificateFactory.getInstance("X.509").generateCertificate(in).getEncoded();
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The superuser of the file realm. */
    public String username() {
        return USER;
    }

    /** Its password (random for each stack). */
    public String password() {
        return password;
    }

    /** Stops the node. Does nothing if it is stopped. */
    public synchronized void stop() {
        if (running) {
            process.stop();
            running = false;
        }
    }

    synchronized void start() {
        if (!running) {
            process.start();
            running = true;
        }
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    @Override
    public String toString() {
        return "secured Elasticsearch at " + url();
    }
}
