package dev.edgeproxy.pipeline;

import dev.edgeproxy.authz.Decision;
import dev.edgeproxy.authz.RuleResult;
import dev.edgeproxy.error.GatewayError;
import dev.edgeproxy.jwt.Authentication;
import dev.edgeproxy.jwt.Identity;
import dev.edgeproxy.route.Route;
import dev.edgeproxy.route.RouteTable;
import io.vertx.core.MultiMap;

import java.util.List;

/**
 * Everything the proxy decided about one canonical request before forwarding it: the one result that the
 * pipeline acts on and {@code /explain} renders. Fields after the step that refused the request are
 * {@code null}.
 *
 * @param selection       the matched route and which of its matches; {@code null}: no route matched
 * @param authentication  the route's JWT outcome; {@code null} when the route has no {@code jwtAuth} policy
 * @param decision        the authorization decision; {@code null} when the request was refused before it
 * @param rules           every rule's result when the evaluation was asked for them, else empty
 * @param upstreamHeaders exactly the headers the origin receives; {@code null} when refused
 * @param refusal         the proxy's own answer; {@code null} when the request is forwarded
 */
public record Evaluation(
        RouteTable.Selection selection,
        Authentication authentication,
        Decision decision,
        List<RuleResult> rules,
        MultiMap upstreamHeaders,
        GatewayError refusal) {

    public Evaluation {
        rules = List.copyOf(rules);
    }

    static Evaluation refused(RouteTable.Selection selection, Authentication authentication, GatewayError refusal) {
        return new Evaluation(selection, authentication, null, List.of(), null, refusal);
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
