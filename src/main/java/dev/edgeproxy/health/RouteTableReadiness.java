package dev.edgeproxy.health;

import dev.edgeproxy.compile.RouteTables;
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

    private final RouteTables routes;

    public RouteTableReadiness(RouteTables routes) {
        this.routes = routes;
    }

    @Override
    public HealthCheckResponse call() {
        var table = routes.current();
        var response = HealthCheckResponse.named("routes");
        if (table == null) {
            return response.down().build();
        }
        return response.up().withData("routes", table.routes().size()).build();
    }
}
