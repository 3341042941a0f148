package dev.edgeproxy.explain;

import dev.edgeproxy.pipeline.ProxyPipeline;
import dev.edgeproxy.pipeline.IncomingRequest;
import dev.edgeproxy.authz.Decision;
import dev.edgeproxy.authz.Explanation;
import dev.edgeproxy.cel.RequestVariables;
import dev.edgeproxy.authz.RuleResult;
import dev.edgeproxy.error.GatewayError;
import dev.edgeproxy.jwt.Authentication;
import dev.edgeproxy.jwt.JwtAuthenticator;
import dev.edgeproxy.jwt.TokenLocation;
import dev.edgeproxy.proxy.Upstream;
import dev.edgeproxy.route.PathMatch;
import dev.edgeproxy.route.Route;
import dev.edgeproxy.route.RouteMatch;
import dev.edgeproxy.route.RouteTable;
import dev.edgeproxy.route.ValueMatch;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Answers what the proxy would do with a described request, without forwarding anything: which route
 * matches and why, the JWT outcome, every rule's result, the decision, and what the origin would
 * receive. It runs the proxy's own compiled objects on the proxy's own code paths ({@link RouteTable},
 * the route's {@link JwtAuthenticator}, {@link dev.edgeproxy.authz.Authorizer#explain}, and
 * {@link ProxyPipeline#originHeaders}), so the explanation cannot drift from the behaviour.
 *
 * <p>The token is never part of the answer: wherever the request would still carry it (a permissive
 * route forwards a rejected credential unchanged) it reads {@value #REDACTED}.
 */
final class Explainer {

    static final String REDACTED = "[redacted]";

    private final Supplier<RouteTable> routes;

    Explainer(Supplier<RouteTable> routes) {
        this.routes = routes;
    }

    /**
     * Completes at once, except when an unknown {@code kid} makes a remote JWKS refetch first (as in the
     * proxy); then it completes on the thread that finished the refetch.
     */
    CompletionStage<JsonObject> explain(ExplainRequest described) {
        RouteTable table = routes.get();
        IncomingRequest request;
        try {
            request = described.toIncoming(table.hygiene());
        } catch (GatewayError.BadRequest refused) {
            return CompletableFuture.completedFuture(new JsonObject()
                    .put("route", null)
                    .put("jwt", new JsonObject().put("mode", null).put("outcome", "none"))
                    .put("rules", new JsonArray())
                    .put("decision", decision(false, 400, "request", null, "bad request: " + refused.getMessage()))
                    .putNull("upstream"));
        }
        Redactor redact = new Redactor(described.token());

        // 1. Match, with the token where the matched route expects it; then match again, as the proxy
        //    would see the request with the token in it (a route could match on that header or parameter).
        RouteTable.Selection selection = table.selection(request);
        if (selection != null && described.token() != null && selection.route().authenticator() != null) {
            selection.route().authenticator().location().place(request, described.token());
            selection = table.selection(request);
        }
        if (selection == null) {
            return CompletableFuture.completedFuture(new JsonObject()
                    .put("route", null)
                    .put("jwt", new JsonObject().put("mode", null).put("outcome", "none"))
                    .put("rules", new JsonArray())
                    .put("decision", decision(false, 404, "route", null, "route not found"))
                    .putNull("upstream"));
        }
        Route route = selection.route();
        JsonObject answer = new JsonObject().put("route", route(selection));

        // 2. Authenticate, exactly as the proxy does (a verified credential is removed from the request).
        CompletionStage<Authentication> authentication = route.authenticator() == null
                ? CompletableFuture.completedFuture(null)
                : route.authenticator().evaluate(request);
        return authentication.thenApply(outcome -> {
            answer.put("jwt", jwt(route.authenticator(), outcome));
            if (outcome != null && outcome.refused()) {
                JsonArray rules = new JsonArray();
                route.authorizer().rules().forEach(rule -> rules.add(new JsonObject()
                        .put("kind", rule.kind().key())
                        .put("index", rule.index())
                        .put("expression", rule.source())
                        .put("result", "skipped: authentication failed")));
                return answer.put("rules", rules)
                        .put("decision", decision(false, 401, "jwt", null,
                                "authentication failure: " + outcome.failure().text()))
                        .putNull("upstream");
            }

            // 3. Authorize: the same decision authorize() makes, with every rule's result.
            request.claims(outcome == null ? Map.of() : outcome.identity().claims());
            RequestVariables variables = new RequestVariables(request);
            Explanation explanation = route.authorizer().explain(variables);
            JsonArray rules = new JsonArray();
            explanation.rules().forEach(r -> rules.add(rule(r, redact)));
            Decision d = explanation.decision();
            answer.put("rules", rules)
                    .put("decision", decision(d.allowed(), d.allowed() ? 200 : 403, "authorization", d, reason(d)));
            if (!d.allowed()) {
                return answer.putNull("upstream");
            }

            // 4. What the origin would receive; nothing is sent.
            MultiMap headers = ProxyPipeline.originHeaders(request, route, variables);
            JsonObject forwarded = new JsonObject();
            headers.forEach(h -> {
                String name = h.getKey().toLowerCase(Locale.ROOT);
                JsonArray values = forwarded.getJsonArray(name);
                if (values == null) {
                    forwarded.put(name, values = new JsonArray());
                }
                values.add(redact.apply(h.getValue()));
            });
            JsonArray backends = new JsonArray();
            route.upstreams().upstreams().stream().map(Upstream::toString).forEach(backends::add);
            return answer.put("upstream", new JsonObject()
                    .put("backends", backends)
                    .put("uri", redact.apply(request.upstreamUri()))
                    .put("headers", forwarded));
        });
    }

    private static JsonObject route(RouteTable.Selection selection) {
        RouteMatch match = selection.match();
        JsonObject why = new JsonObject().put("index", selection.matchIndex());
        why.put("path", path(match.path()));
        if (match.method() != null) {
            why.put("method", match.method());
        }
        if (!match.headers().isEmpty()) {
            why.put("headers", new JsonArray(match.headers().stream().map(ValueMatch::name).toList()));
        }
        if (!match.query().isEmpty()) {
            why.put("query", new JsonArray(match.query().stream().map(ValueMatch::name).toList()));
        }
        return new JsonObject().put("name", selection.route().name()).put("match", why);
    }

    private static JsonObject path(PathMatch path) {
        if (path instanceof PathMatch.Exact e) {
            return new JsonObject().put("exact", e.value());
        } else if (path instanceof PathMatch.Prefix p) {
            return new JsonObject().put("pathPrefix", p.value());
        }
        return new JsonObject().put("regex", ((PathMatch.Regex) path).pattern().pattern());
    }

    private static JsonObject jwt(JwtAuthenticator authenticator, Authentication outcome) {
        if (authenticator == null) {
            return new JsonObject().putNull("mode").put("outcome", "none");
        }
        String result = outcome.refused() ? "rejected" : outcome.verified() ? "verified" : "anonymous";
        Map<String, Object> claims = outcome.refused() ? Map.of() : new LinkedHashMap<>(outcome.identity().claims());
        return new JsonObject()
                .put("mode", authenticator.mode().name().toLowerCase(Locale.ROOT))
                .put("location", location(authenticator.location()))
                .put("outcome", result)
                .put("reason", outcome.failure() == null ? null : outcome.failure().text())
                .put("claims", new JsonObject(claims));
    }

    private static String location(TokenLocation location) {
        if (location instanceof TokenLocation.Header h) {
            return h.prefix().isEmpty() ? "header " + h.name() : "header " + h.name() + " with prefix \"" + h.prefix() + "\"";
        } else if (location instanceof TokenLocation.QueryParameter q) {
            return "query parameter " + q.name();
        }
        return "cookie " + ((TokenLocation.Cookie) location).name();
    }

    private static JsonObject rule(RuleResult r, Redactor redact) {
        return new JsonObject()
                .put("kind", r.rule().kind().key())
                .put("index", r.rule().index())
                .put("expression", r.rule().source())
                .put("result", r.isError() ? "error: " + redact.apply(r.error()) : r.value());
    }

    private static JsonObject decision(boolean allowed, int status, String decidedBy, Decision d, String reason) {
        return new JsonObject()
                .put("allowed", allowed)
                .put("status", status)
                .put("decidedBy", decidedBy)
                .put("step", d == null ? null : d.step().number())
                .put("stepDescription", d == null ? null : d.step().description())
                .put("rule", d == null || d.rule() == null ? null : d.rule().rule().index())
                .put("reason", reason);
    }

    private static String reason(Decision d) {
        RuleResult r = d.rule();
        if (r == null) {
            if (d.step() == Decision.Step.NO_RULES) {
                return "the route has no rules";
            }
            return d.allowed() ? "no deny or require rule objected and the route has no allow rule"
                    : "no allow rule is true";
        }
        String rule = r.rule().kind().key() + " rule #" + r.rule().index();
        if (r.isError()) {
            return rule + " failed to evaluate";
        }
        return rule + " is " + r.value();
    }

    /** Replaces the token (as sent, or percent-encoded in a query) wherever it would otherwise appear. */
    private record Redactor(String token) {
        String apply(String text) {
            if (token == null || token.isEmpty() || text == null) {
                return text;
            }
            return text.replace(token, REDACTED).replace(URLEncoder.encode(token, StandardCharsets.UTF_8), REDACTED);
        }
    }
}
