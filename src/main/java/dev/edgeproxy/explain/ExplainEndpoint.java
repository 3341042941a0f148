package dev.edgeproxy.explain;

import dev.edgeproxy.compile.RouteTables;
import dev.edgeproxy.config.GatewayConfig;
import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * {@code POST /explain} on the management interface (never on the proxy port): a described request in,
 * the {@link Explainer}'s answer out, nothing forwarded. Only this route reads a body, and only up to
 * {@value #BODY_LIMIT} bytes; proxied bodies keep streaming untouched.
 *
 * <p>Registered only when {@code gateway.explain.enabled} (default off, on in dev mode): it tells whoever
 * reaches the management port how the routes and rules decide, which is for operators, not for every
 * pod that can open a connection.
 */
@ApplicationScoped
public class ExplainEndpoint {

    private static final Logger LOG = Logger.getLogger(ExplainEndpoint.class);

    static final String PATH = "/explain";
    static final long BODY_LIMIT = 64 * 1024;

    private final RouteTables routes;
    private final Explainer explainer;
    private final boolean enabled;

    public ExplainEndpoint(RouteTables routes, GatewayConfig config) {
        this.routes = routes;
        this.explainer = new Explainer(routes::current);
        this.enabled = config.explain().enabled();
    }

    void install(@Observes ManagementInterface management) {
        if (!enabled) {
            // Not registered at all: the path answers 404 like any unknown one.
            LOG.debug("POST /explain off (gateway.explain.enabled=false)");
            return;
        }
        management.router().post(PATH)
                .handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT))
                .handler(this::explain);
    }

    private void explain(RoutingContext ctx) {
        ExplainRequest described;
        try {
            described = ExplainRequest.parse(ctx.body().asJsonObject());
        } catch (DecodeException | ClassCastException e) {
            plain(ctx, 400, "invalid JSON: the body must be a JSON object");
            return;
        } catch (IllegalArgumentException e) {
            plain(ctx, 400, e.getMessage());
            return;
        }
        if (routes.current() == null) {
            plain(ctx, 503, "routes not compiled yet");
            return;
        }
        CompletableFuture<JsonObject> answer;
        try {
            // When a remote JWKS refetch is under way, the explanation completes on this request's context.
            Context context = Vertx.currentContext();
            answer = explainer.explain(described, task -> context.runOnContext(v -> task.run())).toCompletableFuture();
        } catch (RuntimeException e) {
            failed(ctx, e);
            return;
        }
        answer.whenComplete((json, failure) -> respond(ctx, answer));
    }

    private static void respond(RoutingContext ctx, CompletableFuture<JsonObject> answer) {
        JsonObject json;
        try {
            json = answer.join();
        } catch (CompletionException e) {
            failed(ctx, e.getCause());
            return;
        }
        ctx.response().setStatusCode(200)
                .putHeader("content-type", "application/json")
                .end(json.encodePrettily());
    }

    private static void failed(RoutingContext ctx, Throwable failure) {
        // The message of an unexpected failure could quote request values: the class name only.
        LOG.errorf("explain failed: %s", failure.getClass().getName());
        plain(ctx, 500, "internal error");
    }

    private static void plain(RoutingContext ctx, int status, String body) {
        ctx.response().setStatusCode(status).putHeader("content-type", "text/plain").end(body);
    }
}
