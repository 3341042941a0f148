package dev.edgeproxy.ratelimit;

import dev.edgeproxy.e2e.GatewayFixture;
import dev.edgeproxy.e2e.PolicyFixture;
import dev.edgeproxy.testing.RouteProps;

/** The route of {@link RateLimitEndToEndTest}: three requests per hour, spent before a strict JWT is checked. */
public final class RateLimitRoutes implements PolicyFixture {

    @Override
    public void addRoutes(RouteProps routes, Parts parts) {
        routes.route("rate-limited").prefix("/rate-limited").backend(parts.echoOrigin())
                .jwt("strict", GatewayFixture.ISSUER, GatewayFixture.AUDIENCE, "file", parts.jwksFile().toString())
                .put("policies.localRateLimit.maxTokens", "3")
                .put("policies.localRateLimit.fillInterval", "1h");
    }
}
