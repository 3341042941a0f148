package dev.edgeproxy.pipeline;

import dev.edgeproxy.authz.Authorizer;
import dev.edgeproxy.authz.Decision;
import dev.edgeproxy.authz.Explanation;
import dev.edgeproxy.authz.RuleResult;
import dev.edgeproxy.cel.RequestVariables;
import dev.edgeproxy.error.GatewayError;
import dev.edgeproxy.http.ForwardedHeaders;
import dev.edgeproxy.http.HopByHop;
import dev.edgeproxy.http.OriginHead;
import dev.edgeproxy.http.RequestHead;
import dev.edgeproxy.http.RequestHygiene;
import dev.edgeproxy.http.RequestTarget;
import dev.edgeproxy.jwt.Authentication;
import dev.edgeproxy.jwt.JwtAuthenticator;
import dev.edgeproxy.route.Admission;
import dev.edgeproxy.route.Route;
import dev.edgeproxy.route.RouteTable;
import dev.edgeproxy.route.Transformation;
import io.vertx.core.MultiMap;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Steps 1 to 5 of the request path, the only copy of their order: canonicalise, match, authenticate, authorize,
 * and prepare what the origin receives (docs/architecture.md#the-request-path). The proxy forwards or
 * answers from the {@link Evaluation}; {@code /explain} renders the same one.
 */
public final class Evaluator {

    /** What the evaluation is for. */
    public enum Purpose {
        /** A request to serve: rules stop where the decision is made, admissions spend (a rate-limit token). */
        FORWARD,
        /** An explanation: every rule's result is recorded, and no admission changes any state. */
        EXPLAIN
    }

    private Evaluator() {
    }

    /**
     * Evaluates {@code arrival} against {@code table}. Changes the request as the steps do: untrusted headers and
     * a verified credential are removed, the claims are set.
     *
     * @param resume where to continue when authentication has to wait (an unknown {@code kid} refetches a remote
     *               JWKS first); otherwise the stage is complete on return
     */
    public static CompletionStage<Evaluation> evaluate(RouteTable table, Arrival arrival, Purpose purpose,
            Executor resume) {
        // 1. Canonicalise: every later step, and the origin, sees only this view.
        IncomingRequest request;
        try {
            request = canonicalise(table.hygiene(), arrival);
        } catch (GatewayError refusal) {
            return done(Evaluation.refused(Evaluation.Step.REQUEST, null, null, null, refusal));
        }

        // 2. Match.
        RouteTable.Selection selection = table.selection(request);
        if (selection == null) {
            return done(Evaluation.refused(Evaluation.Step.ROUTE, request, null, null, new GatewayError.RouteNotFound()));
        }
        Route route = selection.route();
        // A declared body over the route's limit is refused before anything reads it.
        if (RequestHead.declaredLength(request.requestHeaders()) > route.maxRequestBody()) {
            return done(Evaluation.refused(Evaluation.Step.LIMITS, request, selection, null,
                    new GatewayError.PayloadTooLarge(route.maxRequestBody())));
        }

        // Admit: the route's admission policies (a rate limit) may answer before any signature is checked.
        for (Admission admission : route.policies().admissions()) {
            GatewayError refusal = purpose == Purpose.FORWARD ? admission.admit(request) : admission.peek(request);
            if (refusal != null) {
                return done(Evaluation.refused(Evaluation.Step.LIMITS, request, selection, null, refusal));
            }
        }

        // 3. Authenticate: verify the credential per the route's mode; a verified credential is removed from the
        //    request here, so neither rules nor the origin ever see it.
        JwtAuthenticator authenticator = route.policies().find(JwtAuthenticator.class);
        if (authenticator == null) {
            return done(authorize(selection, request, null, purpose));
        }
        CompletableFuture<Authentication> authentication = authenticator.authenticate(request).toCompletableFuture();
        return authentication.isDone()
                ? authentication.thenApply(outcome -> authorize(selection, request, outcome, purpose))
                : authentication.thenApplyAsync(outcome -> authorize(selection, request, outcome, purpose), resume);
    }

    private static Evaluation authorize(RouteTable.Selection selection, IncomingRequest request,
            Authentication authentication, Purpose purpose) {
        Route route = selection.route();
        if (authentication != null && authentication.refused()) {
            return Evaluation.refused(Evaluation.Step.AUTHENTICATION, request, selection, authentication,
                    new GatewayError.Unauthenticated(
                    authentication.failure().text(),
                    authentication.tokenPresented() ? authentication.failure().bearerError() : null,
                    route.name()));
        }
        request.claims(authentication == null ? Map.of() : authentication.identity().claims());

        // 4. Authorize: CEL rules over the request and the verified claims; errors deny.
        RequestVariables variables = new RequestVariables(request);
        Authorizer authorizer = Authorizer.of(route.policies());
        Decision decision;
        List<RuleResult> results;
        if (purpose == Purpose.EXPLAIN) {
            Explanation explanation = authorizer.explain(variables);
            decision = explanation.decision();
            results = explanation.rules();
        } else {
            decision = authorizer.authorize(variables);
            results = List.of();
        }
        if (!decision.allowed()) {
            return new Evaluation(Evaluation.Step.AUTHORIZATION, request, selection, authentication, decision, results,
                    null, new GatewayError.Forbidden());
        }

        // 5. What the origin receives: end-to-end headers only, forwarding headers, then the route's
        //    transformations last, so a header the route sets always wins over the client.
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        HopByHop.copyEndToEnd(request.requestHeaders(), headers);
        OriginHead.apply(headers, request.hostHeader());
        ForwardedHeaders.apply(headers, request.sourceAddress(), request.scheme(), request.hostHeader());
        for (Transformation transformation : route.policies().transformations()) {
            transformation.apply(headers, variables);
        }
        return new Evaluation(Evaluation.Step.AUTHORIZATION, request, selection, authentication, decision, results,
                headers, null);
    }

    /**
     * Step 1 alone: the request as every later step sees it. One authority, unambiguous framing, valid header
     * fields, the listener's scheme, one canonical target, and none of the headers a client must not supply
     * (removed from {@code arrival}'s headers).
     *
     * @throws GatewayError refusing the request (400, 501)
     */
    public static IncomingRequest canonicalise(RequestHygiene hygiene, Arrival arrival) {
        String authority = RequestHead.authority(arrival.version(), arrival.headers(), arrival.h2Authority());
        RequestHead.checkFraming(arrival.version(), arrival.headers());
        RequestHead.checkFields(arrival.headers());
        String scheme = RequestHead.scheme(arrival.tls(), arrival.h2Scheme());
        RequestTarget target = hygiene.apply(arrival.method(), arrival.target(), authority, arrival.headers());
        return new IncomingRequest(arrival, target, authority, scheme);
    }

    private static CompletionStage<Evaluation> done(Evaluation evaluation) {
        return CompletableFuture.completedFuture(evaluation);
    }
}
