package dev.edgeproxy.route;

import dev.edgeproxy.cel.RequestVariables;
import dev.edgeproxy.error.GatewayError;

/**
 * A route policy that admits a request or answers it itself, once the route is chosen and before any
 * credential is verified (so a refused request costs no signature check). The route runs its admissions in
 * configuration order; the first refusal is the answer. See docs/architecture.md, "How to add a policy".
 */
public interface Admission extends RoutePolicy {

    @Override
    default Phase phase() {
        return Phase.BEFORE_AUTHENTICATION;
    }

    /**
     * Decides for a request about to be served; may change the policy's state (a rate limit spends a token).
     *
     * @return {@code null} to admit, else the proxy's answer
     */
    GatewayError admit(RequestVariables.Source request);

    /**
     * What {@link #admit} would decide now, without changing any state: what {@code /explain} reports.
     */
    GatewayError peek(RequestVariables.Source request);
}
