package dev.edgeproxy.pipeline;

import dev.edgeproxy.authz.Decision;
import dev.edgeproxy.authz.RuleResult;
import dev.edgeproxy.error.GatewayError;
import dev.edgeproxy.jwt.Authentication;
import dev.edgeproxy.jwt.Identity;
import dev.edgeproxy.proxy.Outbound;
import dev.edgeproxy.proxy.Backend;
import dev.edgeproxy.route.Route;
import dev.edgeproxy.route.RouteTable;
import io.vertx.core.MultiMap;

import java.util.List;

/**
 * Everything the proxy decided about one request before forwarding it: the one result that the pipeline acts on
 * and {@code /explain} renders. {@link #decidedAt} says which step decided; fields after it are {@code null}.
 *
 * @param decidedAt       the step that refused the request, or {@link Step#AUTHORIZATION} when it is forwarded
 * @param request         the canonical request; {@code null} when step 1 refused it
 * @param selection       the matched route and which of its matches; {@code null}: no route matched
 * @param authentication  the route's JWT outcome; {@code null} when the route has no {@code jwtAuth} policy
 * @param decision        the authorization decision; {@code null} when the request was refused before it
 * @param rules           every rule's result when the evaluation was asked for them, else empty
 * @param originHeaders exactly the headers the origin receives; {@code null} when refused
 * @param refusal         the proxy's own answer; {@code null} when the request is forwarded
 */
public record Evaluation(
        Step decidedAt,
        IncomingRequest request,
        RouteTable.Selection selection,
        Authentication authentication,
        Decision decision,
        List<RuleResult> rules,
        MultiMap originHeaders,
        GatewayError refusal) {

    /** The steps of docs/architecture.md#the-request-path that can decide a request's fate. */
    public enum Step {
        /** 1. Canonicalise: the head or target is refused (400, 501). */
        REQUEST,
        /** 2. Match: no route (404). */
        ROUTE,
        /** 2. Admit: the route's limits (413 for a declared body, 429) before any credential is checked. */
        LIMITS,
        /** 3. Authenticate (401). */
        AUTHENTICATION,
        /** 4. Authorize: denied (403), or allowed and forwarded. */
        AUTHORIZATION
    }

    public Evaluation {
        rules = List.copyOf(rules);
    }

    static Evaluation refused(Step step, IncomingRequest request, RouteTable.Selection selection,
            Authentication authentication, GatewayError refusal) {
        return new Evaluation(step, request, selection, authentication, null, List.of(), null, refusal);
    }

    /**
     * What the origin receives, sent to {@code backend} (the route's pick): only for a forwarded request.
     */
    public Outbound outbound(Backend backend) {
        Route route = route();
        return new Outbound(backend, request.originUri(), originHeaders, route.requestTimeout(),
                route.maxRequestBody());
    }

    /** The matched route, or {@code null}. */
    public Route route() {
        return selection == null ? null : selection.route();
    }

    /** The verified identity; anonymous when no token was verified. */
    public Identity identity() {
        return authentication == null || authentication.refused() ? Identity.ANONYMOUS : authentication.identity();
    }

    public boolean forwarded() {
        return refusal == null;
    }
}
