package io.tributary.index;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.http.HttpVersion;
import org.apache.http.message.BasicHttpRequest;
import org.apache.http.message.BasicHttpResponse;
import org.apache.http.protocol.BasicHttpContext;
import org.junit.jupiter.api.Test;

class OpenSearchCompatibilityTest {

    private static final String VERSIONED = "application/vnd.elasticsearch+json; compatible-with=8";

    @Test
    void requestsCarryPlainJsonInsteadOfElasticsearchsVersionedType() throws Exception {
        BasicHttpRequest request = new BasicHttpRequest("PUT", "/shop.orders-000001");
        request.addHeader("Content-Type", VERSIONED);
        request.addHeader("Accept", VERSIONED);
        request.addHeader("X-Opaque-Id", "kept");

        OpenSearchCompatibility.plainJson().process(request, new BasicHttpContext());

        assertEquals("application/json", request.getFirstHeader("Content-Type").getValue());
        assertEquals("application/json", request.getFirstHeader("Accept").getValue());
        assertEquals(1, request.getHeaders("Accept").length);
        assertEquals("kept", request.getFirstHeader("X-Opaque-Id").getValue());
    }

    @Test
    void answersWithoutTheProductHeaderGetItAndOthersKeepTheirs() throws Exception {
        BasicHttpResponse openSearch = new BasicHttpResponse(HttpVersion.HTTP_1_1, 200, "OK");
        BasicHttpResponse proxied = new BasicHttpResponse(HttpVersion.HTTP_1_1, 200, "OK");
        proxied.addHeader("X-Elastic-Product", "Something");

        OpenSearchCompatibility.productHeader().process(openSearch, new BasicHttpContext());
        OpenSearchCompatibility.productHeader().process(proxied, new BasicHttpContext());

        assertEquals("Elasticsearch", openSearch.getFirstHeader("X-Elastic-Product").getValue());
        assertEquals(1, proxied.getHeaders("X-Elastic-Product").length);
        assertEquals("Something", proxied.getFirstHeader("X-Elastic-Product").getValue());
    }
}
