package dev.edgeproxy.compile;

import dev.edgeproxy.config.GatewayConfig;
import dev.edgeproxy.config.ProblemSink;
import dev.edgeproxy.http.EscapeAction;
import dev.edgeproxy.http.HttpToken;
import dev.edgeproxy.http.ManagedHeaders;
import dev.edgeproxy.http.RequestHygiene;
import dev.edgeproxy.http.TargetCanonicalizer;
import dev.edgeproxy.http.TargetPolicy;
import dev.edgeproxy.route.Route;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What every request goes through before any route looks at it, the same on every route: {@code requestTarget}
 * (how the target is canonicalised) and the headers removed from client requests ({@code untrustedHeaders}, and
 * every header some route's transformations set or add). Problems are reported as the gateway's.
 */
final class RequestTargetCompiler {

    private final ProblemSink problems;

    /** @param problems the gateway's: fields are reported as {@code requestTarget.escapedNul} */
    RequestTargetCompiler(ProblemSink problems) {
        this.problems = problems;
    }

    TargetPolicy targetPolicy(GatewayConfig.RequestTarget t) {
        String base = "requestTarget.";
        EscapeAction nul = action(base + "escapedNul", t.escapedNul());
        if (nul == EscapeAction.DECODE) {
            error(base + "escapedNul", "'decode' is not possible for %00 (expected reject or keep)");
            nul = EscapeAction.REJECT;
        }
        return new TargetPolicy(t.mergeSlashes(),
                action(base + "escapedSlash", t.escapedSlash()),
                action(base + "escapedBackslash", t.escapedBackslash()),
                action(base + "backslash", t.backslash()), nul,
                action(base + "pathParameters", t.pathParameters()));
    }

    RequestHygiene hygiene(GatewayConfig config, List<Route> routes, TargetCanonicalizer canonicalizer) {
        Set<String> removed = new HashSet<>();
        List<String> untrusted = config.untrustedHeaders();
        for (int i = 0; i < untrusted.size(); i++) {
            String name = untrusted.get(i).strip().toLowerCase(Locale.ROOT);
            if (!HttpToken.is(name)) {
                error("untrustedHeaders[" + i + "]", "'" + untrusted.get(i) + "' is not a valid header name");
            } else if (ManagedHeaders.isManaged(name)) {
                error("untrustedHeaders[" + i + "]", "'" + name + "' is managed by the proxy and cannot be removed");
            } else {
                removed.add(name);
            }
        }
        // A header some route derives from verified claims must not come from the client on any route.
        routes.forEach(r -> r.policies().transformations().forEach(t -> removed.addAll(t.suppliedHeaders())));
        return new RequestHygiene(canonicalizer, removed);
    }

    private EscapeAction action(String field, String value) {
        EscapeAction action = EscapeAction.parse(value);
        if (action == null) {
            error(field, "unknown action '" + value + "' (expected reject, decode or keep)");
            return EscapeAction.REJECT;
        }
        return action;
    }

    private void error(String field, String message) {
        problems.at(field, message);
    }
}
