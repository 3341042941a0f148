package dev.edgeproxy.explain;

import dev.edgeproxy.pipeline.Arrival;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * A request as a user describes it to {@code POST /explain}:
 * <pre>
 * {"method": "GET", "path": "/admin?x=1", "host": "api.example.com", "headers": {"x-env": "prod"},
 *  "token": "&lt;jwt&gt;", "scheme": "http", "source": "127.0.0.1", "sourcePort": 0}
 * </pre>
 * Only {@code path} is required. A header's value is a string or an array of strings (a repeated header).
 *
 * @param token placed where the matched route expects its credential; never logged nor echoed
 */
record ExplainRequest(String method, String target, String host, MultiMap headers, String token, String scheme,
        String source, long sourcePort) {

    private static final Set<String> FIELDS = Set.of(
            "method", "path", "host", "headers", "token", "scheme", "source", "sourcePort");
    /** RFC 9110 token characters. */
    private static final Pattern METHOD = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    /**
     * @throws IllegalArgumentException with a short reason fit for a 400 (it never quotes the token)
     */
    static ExplainRequest parse(JsonObject json) {
        if (json == null) {
            throw new IllegalArgumentException("the body must be a JSON object");
        }
        for (String field : json.fieldNames()) {
            if (!FIELDS.contains(field)) {
                throw new IllegalArgumentException("unknown field '" + field + "' (expected " + String.join(", ", FIELDS.stream().sorted().toList()) + ")");
            }
        }
        String path = string(json, "path");
        if (path == null) {
            throw new IllegalArgumentException("missing path");
        }
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with /");
        }
        if (path.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
            throw new IllegalArgumentException("path must not contain spaces or control characters");
        }
        String method = string(json, "method");
        if (method == null) {
            method = "GET";
        } else if (!METHOD.matcher(method).matches()) {
            throw new IllegalArgumentException("method must be an HTTP method name");
        }
        String scheme = string(json, "scheme");
        if (scheme == null) {
            scheme = "http";
        } else if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("scheme must be http or https");
        }
        String source = string(json, "source");
        long sourcePort = 0;
        if (json.containsKey("sourcePort")) {
            if (!(json.getValue("sourcePort") instanceof Number n) || n.longValue() != n.doubleValue()
                    || n.longValue() < 0 || n.longValue() > 65535) {
                throw new IllegalArgumentException("sourcePort must be an integer in 0-65535");
            }
            sourcePort = ((Number) json.getValue("sourcePort")).longValue();
        }
        MultiMap headers = headers(json);
        String host = string(json, "host");
        if (host != null) {
            headers.set("host", host);
        }
        return new ExplainRequest(method, path, host, headers, string(json, "token"), scheme,
                source == null ? "127.0.0.1" : source, sourcePort);
    }

    /**
     * The described request as it would arrive, with a copy of its headers: a fresh one each time, since
     * evaluating changes it (untrusted headers removed, a credential placed and removed again).
     */
    Arrival arrival() {
        return arrival(target, headers);
    }

    /** As {@link #arrival()}, with another target and headers (the described ones with the token placed). */
    Arrival arrival(String target, MultiMap headers) {
        return Arrival.described(method, target, MultiMap.caseInsensitiveMultiMap().addAll(headers),
                scheme.equals("https"), source, sourcePort);
    }

    private static MultiMap headers(JsonObject json) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        Object value = json.getValue("headers");
        if (value == null) {
            return headers;
        }
        if (!(value instanceof JsonObject object)) {
            throw new IllegalArgumentException("headers must be an object of header name to value");
        }
        for (String name : object.fieldNames()) {
            if (name.isEmpty() || name.chars().anyMatch(c -> c <= ' ' || c == ':' || c == 0x7f)) {
                throw new IllegalArgumentException("headers: invalid header name");
            }
            Object v = object.getValue(name);
            if (v instanceof String s) {
                headers.add(name, s);
            } else if (v instanceof JsonArray array && array.stream().allMatch(String.class::isInstance)) {
                array.forEach(item -> headers.add(name, (String) item));
            } else {
                throw new IllegalArgumentException("headers." + name + " must be a string or an array of strings");
            }
        }
        return headers;
    }

    private static String string(JsonObject json, String field) {
        Object value = json.getValue(field);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String s)) {
            throw new IllegalArgumentException(field + " must be a string");
        }
        return s;
    }

    /** Never the token. */
    @Override
    public String toString() {
        return "ExplainRequest[" + method + " " + target + ", host " + host + ", token " + (token == null ? "absent" : "given") + "]";
    }
}
