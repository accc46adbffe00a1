package io.tributary.index;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.localstack.TestCertificates;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fingerprint trust of {@code tributary.elasticsearch.tls.fingerprint}. */
class ElasticsearchTlsTest {

    @TempDir
    Path dir;

    @Test
    void pinnedFingerprintTrustsAChainHoldingItsCertificateSignedAllTheWay() throws Exception {
        TestCertificates ours = TestCertificates.generate(dir, "ours");
        TestCertificates other = TestCertificates.generate(dir, "other");
        X509Certificate node = read(ours.nodeCertificate());
        X509Certificate ca = read(ours.caCertificate());
        X509Certificate otherNode = read(other.nodeCertificate());
        ElasticsearchTls.PinnedTrust trust = new ElasticsearchTls.PinnedTrust(sha256(ca));

        trust.checkServerTrusted(new X509Certificate[] {node, ca}, "ECDHE_ECDSA");
        new ElasticsearchTls.PinnedTrust(sha256(node)).checkServerTrusted(new X509Certificate[] {node}, "ECDHE_ECDSA");
        assertThrows(CertificateException.class,
                () -> trust.checkServerTrusted(new X509Certificate[] {node}, "ECDHE_ECDSA"));
        CertificateException forged = assertThrows(CertificateException.class,
                () -> trust.checkServerTrusted(new X509Certificate[] {otherNode, ca}, "ECDHE_ECDSA"));
        assertTrue(forged.getMessage().contains("is not signed by the next one"), forged.getMessage());
    }

    private static X509Certificate read(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static String sha256(X509Certificate certificate) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    }
}
