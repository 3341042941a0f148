package dev.edgeproxy.testing;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Routes written as the indexed properties Quarkus config understands ({@code gateway.routes[i].…}): what a
 * test resource hands the application it starts. {@link #route} opens the next route; the other methods set a
 * field of the route opened last.
 */
public final class RouteProps {

    private final Map<String, String> props = new LinkedHashMap<>();
    private int index = -1;
    private int rules;

    public RouteProps route(String name) {
        index++;
        rules = 0;
        return put("name", name);
    }

    public RouteProps prefix(String prefix) {
        return put("matches[0].path.pathPrefix", prefix);
    }

    public RouteProps exact(String path) {
        return put("matches[0].path.exact", path);
    }

    public RouteProps host(String host) {
        return put("hostnames[0]", host);
    }

    public RouteProps backend(String hostPort) {
        return put("backends[0].host", hostPort);
    }

    public RouteProps jwt(String mode, String issuer, String audience, String jwksKind, String jwks) {
        put("policies.jwtAuth.mode", mode);
        put("policies.jwtAuth.issuer", issuer);
        put("policies.jwtAuth.audiences[0]", audience);
        return put("policies.jwtAuth.jwks." + jwksKind, jwks);
    }

    public RouteProps rule(String kind, String expression) {
        return put("policies.authorization.rules[" + rules++ + "]." + kind, expression);
    }

    public RouteProps set(String header, String expression) {
        return put("policies.transformations.request.set.\"" + header + "\"", expression);
    }

    public RouteProps add(String header, String expression) {
        return put("policies.transformations.request.add.\"" + header + "\"", expression);
    }

    public RouteProps remove(String header) {
        return put("policies.transformations.request.remove[0]", header);
    }

    public RouteProps timeout(String duration) {
        return put("policies.timeout.requestTimeout", duration);
    }

    /** Sets {@code key}, relative to the current route ({@code policies.localRateLimit.maxTokens}). */
    public RouteProps put(String key, String value) {
        if (index < 0) {
            throw new IllegalStateException("route(name) first");
        }
        props.put("gateway.routes[" + index + "]." + key, value);
        return this;
    }

    /** Every property written so far, in order. */
    public Map<String, String> properties() {
        return props;
    }
}
