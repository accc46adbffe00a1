package io.tributary.subscriber;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.config.InvalidConfigException;
import io.tributary.config.Secret;
import io.tributary.index.ElasticsearchAuth;
import io.tributary.index.ElasticsearchConnection;
import io.tributary.index.ElasticsearchTls;
import io.tributary.localstack.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the subscriber's Elasticsearch connection is read from its settings. */
class ElasticsearchConnectionTest {

    @TempDir
    Path dir;

    private static Map<String, String> environment(String url, String... pairs) {
        Map<String, String> environment = new HashMap<>();
        environment.put("TRIBUTARY_KAFKA_BOOTSTRAP_SERVERS", "kafka:9092");
        environment.put("TRIBUTARY_ELASTICSEARCH_URLS", url);
        for (int i = 0; i < pairs.length; i += 2) {
            environment.put(pairs[i], pairs[i + 1]);
        }
        return environment;
    }

    private static ElasticsearchConnection load(Map<String, String> environment) {
        return SubscriberSettings.load(null, environment).elasticsearch().connection();
    }

    private static String loadFailure(Map<String, String> environment) {
        return assertThrows(InvalidConfigException.class, () -> load(environment)).getMessage();
    }

    @Test
    void eachWayToAuthenticateComesFromItsKeyOrItsFile() throws Exception {
        Path keyFile = Files.writeString(dir.resolve("api-key"), "a2V5OnNlY3JldA==\n");

        assertEquals(ElasticsearchAuth.NONE, load(environment("http://es:9200")).auth());
        assertEquals(new ElasticsearchAuth.Basic("ingest", Secret.of("pw")), load(environment("http://es:9200",
                "TRIBUTARY_ELASTICSEARCH_USERNAME", "ingest", "TRIBUTARY_ELASTICSEARCH_PASSWORD", "pw")).auth());
        assertEquals(new ElasticsearchAuth.ApiKey(Secret.of("a2V5OnNlY3JldA==")), load(environment("http://es:9200",
                "TRIBUTARY_ELASTICSEARCH_API_KEY_FILE", keyFile.toString())).auth());
        assertEquals(new ElasticsearchAuth.Bearer(Secret.of("tok")), load(environment("http://es:9200",
                "TRIBUTARY_ELASTICSEARCH_BEARER_TOKEN", "tok")).auth());
    }

    @Test
    void twoWaysToAuthenticateFailNamingBoth() {
        String message = loadFailure(environment("http://es:9200", "TRIBUTARY_ELASTICSEARCH_USERNAME", "u",
                "TRIBUTARY_ELASTICSEARCH_PASSWORD", "pw-1x", "TRIBUTARY_ELASTICSEARCH_BEARER_TOKEN", "tok-2y"));

        assertTrue(message.contains("tributary.elasticsearch.username/password (basic authentication),"
                + " tributary.elasticsearch.bearer-token are set"), message);
        assertFalse(message.contains("pw-1x") || message.contains("tok-2y"), message);
    }

    @Test
    void credentialsInAUrlFailWithoutShowingThem() {
        String message = loadFailure(environment("https://elastic:pw-in-url-3k@es:9200"));

        assertTrue(message.startsWith("tributary.elasticsearch.urls holds credentials in a URL (user@host)"), message);
        assertFalse(message.contains("pw-in-url-3k"), message);
    }

    @Test
    void aPasswordWithoutAUserFails() {
        assertTrue(loadFailure(environment("http://es:9200", "TRIBUTARY_ELASTICSEARCH_PASSWORD", "pw"))
                .startsWith("tributary.elasticsearch.username must be set when tributary.elasticsearch.password"));
    }

    @Test
    void tlsSettingsAreCheckedAtStartup() throws Exception {
        Path notPem = Files.writeString(dir.resolve("ca.crt"), "not a certificate");

        assertTrue(loadFailure(environment("http://es:9200", "TRIBUTARY_ELASTICSEARCH_TLS_FINGERPRINT", "ab".repeat(32)))
                .startsWith("tributary.elasticsearch.tls.fingerprint is set, but no URL of tributary.elasticsearch.urls"
                        + " is https://"));
        assertTrue(loadFailure(environment("https://es:9200", "TRIBUTARY_ELASTICSEARCH_TLS_FINGERPRINT", "12:34"))
                .startsWith("tributary.elasticsearch.tls.fingerprint is not a SHA-256 fingerprint"));
        assertTrue(loadFailure(environment("https://es:9200", "TRIBUTARY_ELASTICSEARCH_TLS_CA_FILE",
                dir.resolve("missing.crt").toString())).startsWith("tributary.elasticsearch.tls.ca-file names a file"
                + " that " + dir.resolve("missing.crt") + " cannot be read"));
        assertTrue(loadFailure(environment("https://es:9200", "TRIBUTARY_ELASTICSEARCH_TLS_CA_FILE",
                notPem.toString())).startsWith("tributary.elasticsearch.tls.ca-file names a file that " + notPem));
        assertTrue(loadFailure(environment("https://es:9200", "TRIBUTARY_ELASTICSEARCH_TLS_CA_FILE", notPem.toString(),
                "TRIBUTARY_ELASTICSEARCH_TLS_FINGERPRINT", "ab".repeat(32))).contains("are both set"));
    }

    @Test
    void fingerprintAsElasticsearchPrintsItIsRead() {
        ElasticsearchConnection connection = load(environment("https://es:9200",
                "TRIBUTARY_ELASTICSEARCH_TLS_FINGERPRINT", "AB:" + "cd".repeat(31) + ":"));

        assertEquals(new ElasticsearchTls.Fingerprint("ab" + "cd".repeat(31)), connection.tls());
    }

    @Test
    void caFileReadsEveryCertificateOfThePem() throws Exception {
        TestCertificates ours = TestCertificates.generate(dir, "bundle");
        Path bundle = Files.writeString(dir.resolve("bundle.pem"), Files.readString(ours.caCertificate())
                + Files.readString(ours.nodeCertificate()));

        ElasticsearchTls tls = load(environment("https://es:9200", "TRIBUTARY_ELASTICSEARCH_TLS_CA_FILE",
                bundle.toString())).tls();

        assertEquals(2, assertInstanceOf(ElasticsearchTls.CaFile.class, tls).certificates().size());
        assertEquals("CaFile[" + bundle + "]", tls.toString());
    }
}
