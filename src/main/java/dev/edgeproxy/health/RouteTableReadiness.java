package dev.edgeproxy.health;

import dev.edgeproxy.server.GatewayRoutes;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once the route table is compiled and installed. (An invalid configuration never gets here: it
 * stops startup.) Served on the management port at {@code /q/health/ready}.
 */
@Readiness
@ApplicationScoped
public class RouteTableReadiness implements HealthCheck {

    private final GatewayRoutes routes;

    public RouteTableReadiness(GatewayRoutes routes) {
        this.routes = routes;
    }

    @Override
    public HealthCheckResponse call() {
        var table = routes.table();
        var response = HealthCheckResponse.named("routes");
        if (table == null) {
            return response.down().build();
        }
        return response.up().withData("routes", table.routes().size()).build();
    }
}
