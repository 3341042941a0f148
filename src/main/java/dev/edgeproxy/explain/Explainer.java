package dev.edgeproxy.explain;

import dev.edgeproxy.authz.Authorizer;
import dev.edgeproxy.authz.Decision;
import dev.edgeproxy.authz.RuleResult;
import dev.edgeproxy.error.GatewayError;
import dev.edgeproxy.jwt.Authentication;
import dev.edgeproxy.jwt.JwtAuthenticator;
import dev.edgeproxy.jwt.TokenLocation;
import dev.edgeproxy.pipeline.Arrival;
import dev.edgeproxy.pipeline.Evaluation;
import dev.edgeproxy.pipeline.Evaluator;
import dev.edgeproxy.pipeline.IncomingRequest;
import dev.edgeproxy.proxy.Backend;
import dev.edgeproxy.route.PathMatch;
import dev.edgeproxy.route.Route;
import dev.edgeproxy.route.RouteMatch;
import dev.edgeproxy.route.RouteTable;
import dev.edgeproxy.route.ValueMatch;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Answers what the proxy would do with a described request, without forwarding anything: which route
 * matches and why, the JWT outcome, every rule's result, the decision, and what the origin would
 * receive. It renders the very {@link Evaluation} the proxy acts on (made by the same {@link Evaluator}, with every
 * rule's result recorded), so the explanation cannot drift from the behaviour.
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
     * proxy); then it completes on {@code resume}.
     */
    CompletionStage<JsonObject> explain(ExplainRequest described, Executor resume) {
        RouteTable table = routes.get();
        Redactor redact = new Redactor(described.token());
        return Evaluator.evaluate(table, withToken(table, described), Evaluator.Purpose.EXPLAIN, resume)
                .thenApply(evaluation -> render(evaluation, redact));
    }

    /**
     * The described request with its token where the route that matches without it expects it; the evaluation
     * then matches again, as the proxy would see the request with the token in it (a route could match on that
     * header). Without a token, or when no route takes one, the request as described.
     */
    private static Arrival withToken(RouteTable table, ExplainRequest described) {
        if (described.token() == null) {
            return described.arrival();
        }
        IncomingRequest request;
        try {
            request = Evaluator.canonicalise(table.hygiene(), described.arrival());
        } catch (GatewayError refused) {
            // The evaluation refuses it the same way.
            return described.arrival();
        }
        RouteTable.Selection first = table.selection(request);
        JwtAuthenticator authenticator = first == null ? null : first.route().policies().find(JwtAuthenticator.class);
        if (authenticator == null) {
            return described.arrival();
        }
        authenticator.location().place(request, described.token());
        return described.arrival(request.originUri(), request.requestHeaders());
    }

    private static JsonObject render(Evaluation evaluation, Redactor redact) {
        GatewayError refusal = evaluation.refusal();
        if (evaluation.decidedAt() == Evaluation.Step.REQUEST) {
            return new JsonObject()
                    .put("route", null)
                    .put("jwt", new JsonObject().put("mode", null).put("outcome", "none"))
                    .put("rules", new JsonArray())
                    .put("decision", decision(false, refusal.status(), "request", null, refusal.body()))
                    .putNull("upstream");
        }
        if (evaluation.decidedAt() == Evaluation.Step.ROUTE) {
            return new JsonObject()
                    .put("route", null)
                    .put("jwt", new JsonObject().put("mode", null).put("outcome", "none"))
                    .put("rules", new JsonArray())
                    .put("decision", decision(false, refusal.status(), "route", null, refusal.body()))
                    .putNull("upstream");
        }
        Route route = evaluation.route();
        JsonObject answer = new JsonObject()
                .put("route", route(evaluation.selection()))
                .put("jwt", jwt(route.policies().find(JwtAuthenticator.class), evaluation.authentication()));
        Decision d = evaluation.decision();
        if (evaluation.decidedAt() != Evaluation.Step.AUTHORIZATION) {
            // Refused before the rules: by the JWT policy, or by the route's limits before it.
            boolean byJwt = evaluation.decidedAt() == Evaluation.Step.AUTHENTICATION;
            JsonArray rules = new JsonArray();
            Authorizer.of(route.policies()).rules().forEach(rule -> rules.add(new JsonObject()
                    .put("kind", rule.kind().key())
                    .put("index", rule.index())
                    .put("expression", rule.source())
                    .put("result", byJwt ? "skipped: authentication failed" : "skipped: request refused")));
            return answer.put("rules", rules)
                    .put("decision", decision(false, refusal.status(), byJwt ? "jwt" : "limits", null, refusal.body()))
                    .putNull("upstream");
        }
        JsonArray rules = new JsonArray();
        evaluation.rules().forEach(r -> rules.add(rule(r, redact)));
        answer.put("rules", rules)
                .put("decision", decision(d.allowed(), d.allowed() ? 200 : refusal.status(), "authorization", d, reason(d)));
        if (!evaluation.forwarded()) {
            return answer.putNull("upstream");
        }

        // What the origin would receive; nothing is sent.
        JsonObject forwarded = new JsonObject();
        evaluation.originHeaders().forEach(h -> {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            JsonArray values = forwarded.getJsonArray(name);
            if (values == null) {
                forwarded.put(name, values = new JsonArray());
            }
            values.add(redact.apply(h.getValue()));
        });
        JsonArray backends = new JsonArray();
        route.backends().all().stream().map(Backend::toString).forEach(backends::add);
        return answer.put("upstream", new JsonObject()
                .put("backends", backends)
                .put("uri", redact.apply(evaluation.request().originUri()))
                .put("headers", forwarded));
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
        if (outcome == null) {
            return new JsonObject()
                    .put("mode", authenticator.mode().name().toLowerCase(Locale.ROOT))
                    .put("location", location(authenticator.location()))
                    .put("outcome", "skipped");
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
