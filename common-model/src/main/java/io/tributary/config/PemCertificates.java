package io.tributary.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Optional;

/**
 * Reads the key of a CA file setting (a PEM file of one or more X.509 certificates) and checks at startup that the
 * file is there, readable and holds certificates, so a wrong path fails with the key's name instead of a TLS error
 * at the first connection. Stateless.
 */
public final class PemCertificates {

    private PemCertificates() {
    }

    /**
     * @return the file named by {@code key}, or empty when the key is empty
     * @throws InvalidConfigException naming the key and the file when it is missing, unreadable or not PEM
     */
    public static Optional<Path> optionalFile(SettingsReader read, String key) {
        Optional<String> value = read.optionalString(key);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        Path file = Path.of(value.get());
        checkReadable(read, key, file);
        return Optional.of(file.toAbsolutePath());
    }

    /** @throws InvalidConfigException naming {@code key} when {@code file} is not a readable PEM certificate file */
    static void checkReadable(SettingsReader read, String key, Path file) {
        if (!Files.isRegularFile(file)) {
            throw read.invalid(key, "names " + file.toAbsolutePath() + ", which does not exist (or is not a"
                    + " regular file); give the PEM file of the CA certificate");
        }
        if (!Files.isReadable(file)) {
            throw read.invalid(key, "names " + file.toAbsolutePath() + ", which this process (user "
                    + System.getProperty("user.name") + ") may not read");
        }
        try (InputStream in = Files.newInputStream(file)) {
            if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
                throw read.invalid(key, "names " + file.toAbsolutePath() + ", which holds no certificate");
            }
        } catch (CertificateException e) {
            throw read.invalid(key, "names " + file.toAbsolutePath() + ", which is not a PEM certificate file ("
                    + e.getMessage() + ")");
        } catch (IOException e) {
            throw read.invalid(key, "names " + file.toAbsolutePath() + ", which cannot be read: " + e.getMessage());
        }
    }
}
