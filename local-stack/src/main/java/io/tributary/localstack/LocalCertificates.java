package io.tributary.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A certificate authority made with {@code openssl} when a service starts, and a server certificate it signed for
 * {@code localhost} and {@code 127.0.0.1}, so the local services can speak TLS that clients verify in full. Nothing
 * of it is committed: the keys live in the service's run directory for the life of the run. Also a second,
 * unrelated CA, for tests of a client that trusts the wrong one. Immutable.
 *
 * @param caCertificate          PEM certificate of the CA that signed the server's certificate
 * @param serverCertificate      PEM certificate of the server (CN and SAN localhost, SAN IP 127.0.0.1)
 * @param serverKey              its unencrypted PKCS#8 PEM private key (mode 0600)
 * @param serverKeyAndCertificate the key followed by the certificate, as Kafka's PEM key store takes them
 * @param unrelatedCaCertificate PEM certificate of a CA that signed nothing here
 */
public record LocalCertificates(Path caCertificate, Path serverCertificate, Path serverKey,
                                Path serverKeyAndCertificate, Path unrelatedCaCertificate) {

    private static final Duration OPENSSL_TIMEOUT = Duration.ofSeconds(30);
    private static final String VALID_DAYS = "30";

    /** Makes the CAs and the server certificate in {@code directory} (created if missing). */
    static LocalCertificates generate(Path directory) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create " + directory, e);
        }
        Path log = directory.resolve("openssl.log");
        Path ca = directory.resolve("ca.crt");
        Path caKey = directory.resolve("ca.key");
        Path certificate = directory.resolve("server.crt");
        Path key = directory.resolve("server.key");
        Path request = directory.resolve("server.csr");
        Path extensions = directory.resolve("server.ext");
        Path unrelated = directory.resolve("unrelated-ca.crt");
        Path unrelatedKey = directory.resolve("unrelated-ca.key");
        openssl(directory, log, "make a local CA", selfSigned(caKey, ca, "/CN=tributary local-stack CA"));
        openssl(directory, log, "make an unrelated CA", selfSigned(unrelatedKey, unrelated,
                "/CN=tributary local-stack unrelated CA"));
        openssl(directory, log, "make the server's key and certificate request", withEcKey(List.of("req",
                "-newkey", "ec"), key, List.of("-out", request.toString(), "-subj", "/CN=localhost")));
        write(extensions, "subjectAltName = DNS:localhost, IP:127.0.0.1\nbasicConstraints = CA:FALSE\n"
                + "extendedKeyUsage = serverAuth\n");
        openssl(directory, log, "sign the server's certificate", List.of("x509", "-req", "-in", request.toString(),
                "-CA", ca.toString(), "-CAkey", caKey.toString(), "-CAcreateserial", "-days", VALID_DAYS,
                "-extfile", extensions.toString(), "-out", certificate.toString()));
        Path keyStore = directory.resolve("server-keystore.pem");
        try {
            Files.writeString(keyStore, Files.readString(key) + Files.readString(certificate));
            for (Path secret : List.of(key, keyStore, caKey, unrelatedKey)) {
                Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the server's key store in " + directory, e);
        }
        return new LocalCertificates(ca, certificate, key, keyStore, unrelated);
    }

    private static List<String> selfSigned(Path key, Path certificate, String subject) {
        return withEcKey(List.of("req", "-x509", "-newkey", "ec"), key, List.of("-out", certificate.toString(),
                "-days", VALID_DAYS, "-subj", subject));
    }

    /** {@code start}, a new P-256 key written unencrypted to {@code key}, then {@code rest}. */
    private static List<String> withEcKey(List<String> start, Path key, List<String> rest) {
        List<String> arguments = new ArrayList<>(start);
        arguments.addAll(List.of("-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key.toString()));
        arguments.addAll(rest);
        return arguments;
    }

    private static void openssl(Path directory, Path log, String what, List<String> arguments) {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(arguments);
        ProcessRunner.run(what + " with openssl (install it: apt-get install openssl)", command, directory, log,
                OPENSSL_TIMEOUT);
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
    }
}
