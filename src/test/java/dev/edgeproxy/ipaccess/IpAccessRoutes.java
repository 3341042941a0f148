package dev.edgeproxy.ipaccess;

import dev.edgeproxy.e2e.GatewayFixture;
import dev.edgeproxy.e2e.PolicyFixture;
import dev.edgeproxy.testing.RouteProps;

/**
 * The routes of {@link IpAccessEndToEndTest}. The tests connect from 127.0.0.1: one route admits loopback, one
 * admits only a documentation network, and one admits everyone but denies 127.0.0.1 in front of a strict JWT.
 */
public final class IpAccessRoutes implements PolicyFixture {

    @Override
    public void addRoutes(RouteProps routes, Parts parts) {
        routes.route("ipaccess-loopback").prefix("/ipaccess-loopback").backend(parts.echoOrigin())
                .put("policies.ipAccess.allow[0]", "127.0.0.0/8")
                .put("policies.ipAccess.allow[1]", "::1");
        routes.route("ipaccess-elsewhere").prefix("/ipaccess-elsewhere").backend(parts.echoOrigin())
                .put("policies.ipAccess.allow[0]", "192.0.2.0/24");
        routes.route("ipaccess-denied").prefix("/ipaccess-denied").backend(parts.echoOrigin())
                .jwt("strict", GatewayFixture.ISSUER, GatewayFixture.AUDIENCE, "file", parts.jwksFile().toString())
                .put("policies.ipAccess.allow[0]", "0.0.0.0/0")
                .put("policies.ipAccess.deny[0]", "127.0.0.1");
    }
}
