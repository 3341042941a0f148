package dev.edgeproxy.compile;

import dev.edgeproxy.config.GatewayConfig;
import dev.edgeproxy.proxy.Backend;
import dev.edgeproxy.route.Route;
import dev.edgeproxy.route.RouteTable;

import java.util.ArrayList;
import java.util.List;

/**
 * What the Netty data path ({@code gateway.listener.dataPath: netty}, docs/netty-data-path.md) does not serve yet:
 * a configuration that needs it is refused, at startup and on reload, rather than served in part.
 */
final class DataPathScope {

    private static final String WHY = " is not served by gateway.listener.dataPath netty yet (use vertx)";

    private DataPathScope() {
    }

    /** One message per field that the Netty data path cannot serve; empty when it serves them all. */
    static List<String> unserved(RouteTable table, GatewayConfig.Listener listener) {
        List<String> problems = new ArrayList<>();
        if (listener.h2c()) {
            problems.add("gateway: listener.h2c: HTTP/2" + WHY);
        }
        for (Route route : table.routes()) {
            if (route.websocket() != null) {
                problems.add("route '" + route.name() + "': websocket: a WebSocket tunnel" + WHY);
            }
            List<Backend> backends = route.backends().all();
            for (int i = 0; i < backends.size(); i++) {
                if (backends.get(i).origin() != null) {
                    problems.add("route '" + route.name() + "': backends[" + i + "]: an origin with tls or protocol http2" + WHY);
                }
            }
        }
        return problems;
    }
}
