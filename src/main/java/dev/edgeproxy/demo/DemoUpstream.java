package dev.edgeproxy.demo;

import dev.edgeproxy.compile.RouteTables;
import dev.edgeproxy.config.GatewayConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A tiny origin for the built-in sample configuration ({@code gateway.demo.enabled}): it answers
 * every path with a JSON description of what it received, so a user can see exactly what the proxy
 * forwarded. It listens on its own port because an origin must answer any path, and the proxy's port
 * belongs to the routes. Off unless the configuration turns it on.
 */
@ApplicationScoped
public class DemoUpstream {

    private static final Logger LOG = Logger.getLogger(DemoUpstream.class);

    private final RouteTables routes;
    private final Vertx vertx;
    private HttpServer server;

    public DemoUpstream(RouteTables routes, Vertx vertx) {
        this.routes = routes;
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent event) {
        // The demo settings of the configuration started with (the sample's own when it runs).
        GatewayConfig.Demo demo = routes.compiled().loaded().config().demo();
        if (!demo.enabled()) {
            return;
        }
        int port = demo.port();
        server = vertx.createHttpServer()
                .requestHandler(this::echo)
                .listen(port, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().join();
        LOG.infof("demo upstream listening on 127.0.0.1:%d (sample configuration only)", server.actualPort());
    }

    void stop(@Observes ShutdownEvent event) {
        if (server != null) {
            // Wait: in dev mode the restarted app binds the same port right after.
            server.close().toCompletionStage().toCompletableFuture().join();
        }
    }

    private void echo(HttpServerRequest request) {
        AtomicLong bytes = new AtomicLong();
        request.handler(chunk -> bytes.addAndGet(chunk.length()));
        request.endHandler(v -> {
            JsonObject headers = new JsonObject();
            request.headers().forEach(h -> {
                String name = h.getKey().toLowerCase(Locale.ROOT);
                String prior = headers.getString(name);
                headers.put(name, prior == null ? h.getValue() : prior + "," + h.getValue());
            });
            JsonObject body = new JsonObject()
                    .put("upstream", "edge-proxy demo")
                    .put("method", request.method().name())
                    .put("uri", request.uri())
                    .put("headers", headers)
                    .put("bodyBytes", bytes.get());
            request.response()
                    .putHeader("content-type", "application/json")
                    .end(body.encodePrettily() + "\n");
        });
    }
}
