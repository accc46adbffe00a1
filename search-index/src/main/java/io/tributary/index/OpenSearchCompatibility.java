package io.tributary.index;

import org.apache.http.Header;
import org.apache.http.HttpHeaders;
import org.apache.http.HttpRequestInterceptor;
import org.apache.http.HttpResponseInterceptor;
import org.apache.http.impl.nio.client.HttpAsyncClientBuilder;

/**
 * Lets elasticsearch-java's typed calls (index, alias and mapping creation, {@code _mget}) talk to OpenSearch, at
 * the HTTP client underneath it, so no call site changes. Two differences stand in the way, and only these two:
 *
 * <ul>
 *   <li>the client sends and accepts Elasticsearch's versioned media type
 *       ({@code application/vnd.elasticsearch+json; compatible-with=8}), which OpenSearch refuses with 406: requests
 *       carry {@code application/json} instead (the bodies are the same JSON);
 *   <li>the client refuses an answer without the {@code X-Elastic-Product: Elasticsearch} header, which OpenSearch
 *       does not send: answers lacking it get it.
 * </ul>
 *
 * Installed only when the cluster is OpenSearch (configured, or detected by {@link SearchEngine#resolve}), so a
 * client talking to Elasticsearch keeps both checks. Everything else (bulk writes, scans, counts) goes through the
 * low-level REST client as plain JSON and needs nothing.
 */
final class OpenSearchCompatibility {

    private static final String VERSIONED_JSON = "application/vnd.elasticsearch+json";
    private static final String PRODUCT_HEADER = "X-Elastic-Product";

    private OpenSearchCompatibility() {
    }

    static HttpAsyncClientBuilder install(HttpAsyncClientBuilder http) {
        return http.addInterceptorLast(plainJson()).addInterceptorFirst(productHeader());
    }

    /** Replaces Elasticsearch's versioned media type in Content-Type and Accept by {@code application/json}. */
    static HttpRequestInterceptor plainJson() {
        return (request, context) -> {
            for (String name : new String[] {HttpHeaders.CONTENT_TYPE, HttpHeaders.ACCEPT}) {
                for (Header header : request.getHeaders(name)) {
                    if (header.getValue().startsWith(VERSIONED_JSON)) {
                        request.removeHeader(header);
                        request.addHeader(name, "application/json");
                    }
                }
            }
        };
    }

    /** Adds {@code X-Elastic-Product: Elasticsearch} to an answer that has no such header. */
    static HttpResponseInterceptor productHeader() {
        return (response, context) -> {
            if (!response.containsHeader(PRODUCT_HEADER)) {
                response.addHeader(PRODUCT_HEADER, "Elasticsearch");
            }
        };
    }
}
