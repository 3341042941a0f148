package dev.edgeproxy.pipeline;

import dev.edgeproxy.authz.Decision;
import dev.edgeproxy.authz.Explanation;
import dev.edgeproxy.authz.RuleResult;
import dev.edgeproxy.cel.RequestVariables;
import dev.edgeproxy.error.GatewayError;
import dev.edgeproxy.http.ForwardedHeaders;
import dev.edgeproxy.http.HopByHop;
import dev.edgeproxy.http.OriginHead;
import dev.edgeproxy.http.RequestHead;
import dev.edgeproxy.jwt.Authentication;
import dev.edgeproxy.route.Admission;
import dev.edgeproxy.route.Route;
import dev.edgeproxy.route.RouteTable;
import io.vertx.core.MultiMap;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Steps 2 to 5 of the request path, the only copy of their order: match, authenticate, authorize, and
 * prepare what the origin receives (docs/architecture.md#the-request-path). The proxy forwards or
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
     * Evaluates {@code request}, already canonicalised (step 1), against {@code table}. Changes the request as
     * the steps do: a verified credential is removed, the claims are set.
     *
     * @param resume where to continue when authentication has to wait (an unknown {@code kid} refetches a remote
     *               JWKS first); otherwise the stage is complete on return
     */
    public static CompletionStage<Evaluation> evaluate(RouteTable table, IncomingRequest request, Purpose purpose,
            Executor resume) {
        // 2. Match.
        RouteTable.Selection selection = table.selection(request);
        if (selection == null) {
            return CompletableFuture.completedFuture(Evaluation.refused(null, null, new GatewayError.RouteNotFound()));
        }
        Route route = selection.route();
        // A declared body over the route's limit is refused before anything reads it.
        if (RequestHead.declaredLength(request.requestHeaders()) > route.maxRequestBody()) {
            return CompletableFuture.completedFuture(
                    Evaluation.refused(selection, null, new GatewayError.PayloadTooLarge(route.maxRequestBody())));
        }

        // Admit: the route's admission policies (a rate limit) may answer before any signature is checked.
        for (Admission admission : route.admissions()) {
            GatewayError refusal = purpose == Purpose.FORWARD ? admission.admit(request) : admission.peek(request);
            if (refusal != null) {
                return CompletableFuture.completedFuture(Evaluation.refused(selection, null, refusal));
            }
        }

        // 3. Authenticate: verify the credential per the route's mode; a verified credential is removed from the
        //    request here, so neither rules nor the origin ever see it.
        if (route.authenticator() == null) {
            return CompletableFuture.completedFuture(authorize(selection, request, null, purpose));
        }
        CompletableFuture<Authentication> authentication = route.authenticator().authenticate(request).toCompletableFuture();
        return authentication.isDone()
                ? authentication.thenApply(outcome -> authorize(selection, request, outcome, purpose))
                : authentication.thenApplyAsync(outcome -> authorize(selection, request, outcome, purpose), resume);
    }

    private static Evaluation authorize(RouteTable.Selection selection, IncomingRequest request,
            Authentication authentication, Purpose purpose) {
        Route route = selection.route();
        if (authentication != null && authentication.refused()) {
            return Evaluation.refused(selection, authentication, new GatewayError.Unauthenticated(
                    authentication.failure().text(),
                    authentication.tokenPresented() ? authentication.failure().bearerError() : null,
                    route.name()));
        }
        request.claims(authentication == null ? Map.of() : authentication.identity().claims());

        // 4. Authorize: CEL rules over the request and the verified claims; errors deny.
        RequestVariables variables = new RequestVariables(request);
        Decision decision;
        List<RuleResult> results;
        if (purpose == Purpose.EXPLAIN) {
            Explanation explanation = route.authorizer().explain(variables);
            decision = explanation.decision();
            results = explanation.rules();
        } else {
            decision = route.authorizer().authorize(variables);
            results = List.of();
        }
        if (!decision.allowed()) {
            return new Evaluation(selection, authentication, decision, results, null, new GatewayError.Forbidden());
        }

        // 5. What the origin receives: end-to-end headers only, forwarding headers, then the route's
        //    transformations last, so a header the route sets always wins over the client.
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        HopByHop.copyEndToEnd(request.requestHeaders(), headers);
        OriginHead.apply(headers, request.hostHeader());
        ForwardedHeaders.apply(headers, request.sourceAddress(), request.scheme(), request.hostHeader());
        route.transform().apply(headers, variables);
        return new Evaluation(selection, authentication, decision, results, headers, null);
    }
}
