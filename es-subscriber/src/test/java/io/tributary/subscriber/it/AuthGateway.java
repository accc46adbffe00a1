package io.tributary.subscriber.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.tributary.index.ElasticsearchTls;
import io.tributary.localstack.SecuredElasticsearch;
import io.tributary.localstack.TestCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * Stands in for Elasticsearch's API keys and bearer tokens, which the secured test node cannot issue (the integ-test
 * distribution cannot create the {@code .security} index): an HTTPS server with the node's own certificate that
 * accepts exactly one API key ({@code Authorization: ApiKey <encoded>}) and one bearer token, answers anything else
 * with Elasticsearch's 401, and forwards accepted requests to the node as its file-realm superuser. It checks what
 * the client sends; the node checks TLS and basic authentication for real.
 */
final class AuthGateway implements AutoCloseable {

    private final SecuredElasticsearch node;
    private final HttpsServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(4);
    private final HttpClient forward;
    private final String apiKey;
    private final String bearerToken;

    AuthGateway(SecuredElasticsearch node) throws IOException, GeneralSecurityException {
        this.node = node;
        this.apiKey = Base64.getEncoder().encodeToString(("gateway-key:" + random()).getBytes(StandardCharsets.UTF_8));
        this.bearerToken = "gateway-token-" + random();
        TestCertificates certificates = node.certificates();
        forward = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .sslContext(ElasticsearchTls.CaFile.read(certificates.caCertificate()).sslContext()).connectTimeout(Duration.ofSeconds(5)).build();
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serving(certificates)));
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "https://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The API key it accepts, in the encoded form Elasticsearch returns. */
    String apiKey() {
        return apiKey;
    }

    String bearerToken() {
        return bearerToken;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (!("ApiKey " + apiKey).equals(authorization) && !("Bearer " + bearerToken).equals(authorization)) {
                respond(exchange, 401, "application/json", ("{\"error\":{\"root_cause\":[],\"type\":"
                        + "\"security_exception\",\"reason\":\"unable to authenticate with provided credentials\"},"
                        + "\"status\":401}").getBytes(StandardCharsets.UTF_8));
                return;
            }
            byte[] body = exchange.getRequestBody().readAllBytes();
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(node.url() + exchange.getRequestURI()))
                    .timeout(Duration.ofSeconds(30))
                    .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                            (node.username() + ":" + node.password()).getBytes(StandardCharsets.UTF_8)));
            for (String header : List.of("Content-Type", "Accept")) {
                String value = exchange.getRequestHeaders().getFirst(header);
                if (value != null) {
                    request.header(header, value);
                }
            }
            HttpResponse<byte[]> answer = forward.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            respond(exchange, answer.statusCode(), answer.headers().firstValue("Content-Type")
                    .orElse("application/json"), exchange.getRequestMethod().equals("HEAD") ? new byte[0] : answer.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void respond(HttpExchange exchange, int status, String contentType, byte[] body)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("X-elastic-product", "Elasticsearch");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
    }

    private static SSLContext serving(TestCertificates certificates) throws IOException, GeneralSecurityException {
        String pem = Files.readString(certificates.nodeKey()).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(
                Base64.getDecoder().decode(pem)));
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        char[] password = "gateway".toCharArray();
        store.setKeyEntry("node", key, password, new Certificate[] {certificate(certificates.nodeCertificate()),
                certificate(certificates.caCertificate())});
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    private static Certificate certificate(Path pem) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(pem)) {
            return CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static String random() {
        byte[] bytes = new byte[12];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }

    @Override
    public String toString() {
        return "AuthGateway" + List.of(url());
    }
}
