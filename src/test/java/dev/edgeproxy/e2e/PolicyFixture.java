package dev.edgeproxy.e2e;

import dev.edgeproxy.testing.RouteProps;

import java.nio.file.Path;

/**
 * The routes one policy's end-to-end tests need, kept in the policy's own test package beside those tests
 * ({@code ratelimit/RateLimitRoutes}). {@link GatewayTestResource} adds every fixture of its list to the one
 * application all {@code @QuarkusTest} classes share, so a policy brings its routes without a restart.
 */
public interface PolicyFixture {

    /** What the routes of a fixture can use: the echo upstream and the JWKS of {@link GatewayFixture}'s key. */
    record Parts(String echoOrigin, Path jwksFile) {
    }

    /**
     * Adds this policy's routes. Their names and path prefixes must be the fixture's own (start them with the
     * policy's name), since every fixture shares one route table.
     */
    void addRoutes(RouteProps routes, Parts parts);
}
