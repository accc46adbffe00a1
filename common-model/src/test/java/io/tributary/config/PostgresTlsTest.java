package io.tributary.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Properties;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresTlsTest {

    private static final String URL = "jdbc:postgresql://db:5432/app";

    static Path testCa() {
        try {
            return Path.of(PostgresTlsTest.class.getResource("test-ca.crt").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static PostgresTls read(String mode, String rootCert, String url) {
        return PostgresTls.read(new SettingsReader(ConfigFactory.parseString(
                "tributary.postgres.ssl { mode = \"" + mode + "\", root-cert = \"" + rootCert + "\" }")), url);
    }

    private static void assertRefused(String mode, String rootCert, String url, String... fragments) {
        InvalidConfigException error = assertThrows(InvalidConfigException.class, () -> read(mode, rootCert, url));
        for (String fragment : fragments) {
            assertTrue(error.getMessage().contains(fragment), "expected '" + fragment + "' in: " + error.getMessage());
        }
    }

    @Test
    void defaultsSetPgjdbcsOwnDefaultAndNoCaFile() {
        Properties properties = new Properties();
        read("prefer", "", URL).applyTo(properties);
        assertEquals("prefer", properties.getProperty("sslmode"));
        assertEquals(null, properties.getProperty("sslrootcert"));
    }

    @Test
    void verifyFullWithACaFileSetsBothDriverProperties() {
        Properties properties = new Properties();
        read("verify-full", testCa().toString(), URL).applyTo(properties);
        assertEquals("verify-full", properties.getProperty("sslmode"));
        assertEquals(testCa().toAbsolutePath().toString(), properties.getProperty("sslrootcert"));
    }

    @Test
    void anUnknownModeIsNamedWithTheAcceptedValues() {
        assertRefused("verify", "", URL, "tributary.postgres.ssl.mode must be one of [disable, allow, prefer,"
                + " require, verify-ca, verify-full], got 'verify'", "TRIBUTARY_POSTGRES_SSL_MODE");
    }

    @Test
    void aMissingOrNonPemCaFileIsNamed(@TempDir Path directory) throws Exception {
        assertRefused("verify-full", directory.resolve("nope.crt").toString(), URL,
                "tributary.postgres.ssl.root-cert names " + directory.resolve("nope.crt"), "does not exist");
        Path garbage = Files.writeString(directory.resolve("garbage.crt"), "not a certificate");
        assertRefused("verify-full", garbage.toString(), URL, "tributary.postgres.ssl.root-cert",
                "not a PEM certificate file");
    }

    @Test
    void verifyingWithoutACaFileNeedsPgjdbcsDefaultFile() {
        Path fallback = PostgresTls.defaultRootCert();
        if (Files.exists(fallback)) {
            return; // this machine has one: verify-* without root-cert is then meant to use it
        }
        assertRefused("verify-ca", "", URL, "tributary.postgres.ssl.root-cert is not set",
                "tributary.postgres.ssl.mode = verify-ca needs the CA", fallback.toString());
    }

    @Test
    void aCaFileWithAModeThatDoesNotVerifyIsRefused() {
        assertRefused("require", testCa().toString(), URL, "tributary.postgres.ssl.root-cert is set but"
                + " tributary.postgres.ssl.mode is require, which does not check the server's certificate");
    }

    @Test
    void aUrlWithItsOwnTlsParametersDecidesAloneWhileTheKeysKeepTheirDefaults() {
        Properties properties = new Properties();
        PostgresTls fromUrl = read("prefer", "", URL + "?sslmode=require");
        fromUrl.applyTo(properties);
        assertEquals(Optional.empty(), fromUrl.mode());
        assertTrue(properties.isEmpty());
        assertRefused("verify-full", testCa().toString(), URL + "?ssl=true&sslmode=disable",
                "tributary.postgres.ssl.mode is set together with the parameter ssl in tributary.postgres.url");
    }

    @Test
    void handshakeFailuresAreToldApartFromOtherConnectionFailures() {
        SQLException handshake = new SQLException("SSL error: PKIX path building failed", "08006",
                new SSLHandshakeException("PKIX path building failed"));
        String message = PostgresTls.describeFailure(handshake, "db:5432").orElseThrow();
        assertTrue(message.startsWith("the TLS handshake with PostgreSQL at db:5432 failed"), message);
        assertTrue(message.contains("check tributary.postgres.ssl.root-cert"), message);
        SQLException hostname = new SQLException("The hostname db could not be verified by hostnameverifier"
                + " PGjdbcHostnameVerifier.", "08006");
        assertTrue(PostgresTls.describeFailure(hostname, "db:5432").orElseThrow().contains("verify-full"));
        SQLException noTls = new SQLException("The server does not support SSL.", "08004");
        assertTrue(PostgresTls.describeFailure(noTls, "db:5432").orElseThrow()
                .contains("check tributary.postgres.ssl.mode"));
        assertEquals(Optional.empty(), PostgresTls.describeFailure(new SQLException("Connection refused", "08001"),
                "db:5432"));
    }
}
