package dev.edgeproxy.route;

import dev.cel.runtime.CelVariableResolver;
import io.vertx.core.MultiMap;

import java.util.Set;

/**
 * A route policy that edits the headers the origin receives, last, once the request is allowed: what it sets
 * always wins over what the client sent. The route runs its transformations in configuration order.
 */
public interface Transformation extends RoutePolicy {

    @Override
    default Phase phase() {
        return Phase.TRANSFORMATION;
    }

    /** Edits {@code headers}, the origin's, with the request's variables (claims included) at hand. */
    void apply(MultiMap headers, CelVariableResolver variables);

    /**
     * The header names this policy sets, lower case. A client must never supply them, so request hygiene
     * removes them from every request whatever route it takes.
     */
    Set<String> suppliedHeaders();
}
