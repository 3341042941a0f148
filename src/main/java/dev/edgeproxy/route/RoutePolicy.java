package dev.edgeproxy.route;

/**
 * A compiled route policy and the phase of the request path it runs in. A policy's package implements this (or one
 * of the phase contracts below that the pipeline runs without knowing the policy: {@link Admission},
 * {@link Transformation}); the route holds its policies in a {@link RoutePolicies}, ordered by phase. See
 * docs/architecture.md, "How to add a policy".
 */
public interface RoutePolicy {

    /** The phases, in the order the request path runs them (docs/architecture.md#the-request-path). */
    enum Phase {
        /** Once the route is chosen, before any credential is checked: limits that may answer themselves. */
        BEFORE_AUTHENTICATION,
        /** Verifies the request's credential and says who is calling. */
        AUTHENTICATION,
        /** Decides over the request and the verified identity. */
        AFTER_AUTHENTICATION,
        /** Edits what the origin receives, once the request is allowed. */
        TRANSFORMATION
    }

    Phase phase();
}
