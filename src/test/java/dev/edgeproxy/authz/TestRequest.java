package dev.edgeproxy.authz;

import dev.edgeproxy.cel.RequestVariables;

import java.util.Map;

/** Plain values for the CEL variables of docs/reference.md#cel-variables, standing in for a live request. */
public record TestRequest(
        String method,
        String path,
        String pathAndQuery,
        String host,
        String scheme,
        Map<String, String> headers,
        Map<String, String> query,
        String sourceAddress,
        long sourcePort,
        Map<String, Object> claims) implements RequestVariables.Source {

    /** An anonymous GET with no headers, query or claims. */
    public static TestRequest get(String path) {
        return new TestRequest("GET", path, path, "api.example.com", "http", Map.of(), Map.of(),
                "192.0.2.7", 54321, Map.of());
    }

    public TestRequest withMethod(String m) {
        return new TestRequest(m, path, pathAndQuery, host, scheme, headers, query, sourceAddress, sourcePort, claims);
    }

    public TestRequest withClaims(Map<String, Object> c) {
        return new TestRequest(method, path, pathAndQuery, host, scheme, headers, query, sourceAddress, sourcePort, c);
    }

    public TestRequest withHeaders(Map<String, String> h) {
        return new TestRequest(method, path, pathAndQuery, host, scheme, h, query, sourceAddress, sourcePort, claims);
    }

    public RequestVariables variables() {
        return new RequestVariables(this);
    }
}
