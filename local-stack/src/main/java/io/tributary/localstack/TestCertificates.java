package io.tributary.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * TLS material for a local service, made with the {@code openssl} command: a CA, and a certificate for
 * {@code 127.0.0.1} and {@code localhost} signed by it (EC P-256 keys, PEM, the key unencrypted in PKCS#8).
 *
 * @param caCertificate   the CA's certificate, PEM
 * @param nodeCertificate the node's certificate, PEM
 * @param nodeKey         the node's private key, PEM (PKCS#8)
 */
public record TestCertificates(Path caCertificate, Path nodeCertificate, Path nodeKey) {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** Makes a new CA ({@code <name>-ca.crt}) and node certificate ({@code <name>.crt}, {@code .key}) in {@code dir}. */
    public static TestCertificates generate(Path dir, String name) {
        Path log = dir.resolve(name + "-openssl.log");
        Path caKey = dir.resolve(name + "-ca.key");
        Path ca = dir.resolve(name + "-ca.crt");
        Path key = dir.resolve(name + ".key");
        Path request = dir.resolve(name + ".csr");
        Path certificate = dir.resolve(name + ".crt");
        Path extensions = dir.resolve(name + ".ext");
        try {
            Files.createDirectories(dir);
            Files.writeString(extensions, "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + extensions, e);
        }
        openssl(dir, log, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", caKey.toString(), "-out", ca.toString(), "-days", "3650",
                "-subj", "/CN=Tributary test CA " + name, "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        openssl(dir, log, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key.toString(), "-out", request.toString(), "-subj", "/CN=localhost");
        openssl(dir, log, "x509", "-req", "-in", request.toString(), "-CA", ca.toString(), "-CAkey", caKey.toString(),
                "-CAcreateserial", "-out", certificate.toString(), "-days", "3650", "-extfile", extensions.toString());
        return new TestCertificates(ca, certificate, key);
    }

    private static void openssl(Path dir, Path log, String... arguments) {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(arguments));
        ProcessRunner.run("make test certificates with openssl (install it: apt-get install openssl)", command, dir,
                log, TIMEOUT);
    }
}
