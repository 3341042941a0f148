package dev.edgeproxy.http;

import io.vertx.core.MultiMap;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * What happens to every client request before any route looks at it, the same on every route: its target
 * is canonicalised, and the headers the client must not be able to supply are removed — the configured
 * untrusted ones ({@code Forwarded}, {@code X-Real-IP}, ...) and every header that some route's
 * transformations set or add, so that a value a route derives from verified claims can never come from
 * the client on another route either. Compiled with the route table, so it follows reloads.
 *
 * @param removedHeaders lower-case names
 */
public record RequestHygiene(TargetCanonicalizer canonicalizer, Set<String> removedHeaders) {

    /** The default of {@code gateway.untrustedHeaders}. */
    public static final Set<String> UNTRUSTED_BY_DEFAULT = Set.of("forwarded", "x-forwarded-host",
            "x-forwarded-proto", "x-real-ip", "x-original-url", "x-rewrite-url");

    public static final RequestHygiene DEFAULT = new RequestHygiene(new TargetCanonicalizer(TargetPolicy.STRICT),
            UNTRUSTED_BY_DEFAULT);

    public RequestHygiene {
        Set<String> names = new TreeSet<>();
        removedHeaders.forEach(n -> names.add(n.toLowerCase(Locale.ROOT)));
        removedHeaders = Set.copyOf(names);
    }

    /**
     * What every request goes through, live or described to {@code /explain}: its target canonicalised, and
     * the headers a client must not supply removed from {@code headers}.
     *
     * @throws dev.edgeproxy.error.GatewayError.BadRequest when the target is refused
     */
    public RequestTarget apply(String method, String target, String authority, MultiMap headers) {
        RequestTarget canonical = canonicalizer.canonicalize(method, target, authority);
        removeUntrusted(headers);
        return canonical;
    }

    /** Removes the client's values of every {@link #removedHeaders} name from {@code headers}. */
    public void removeUntrusted(MultiMap headers) {
        for (String name : removedHeaders) {
            headers.remove(name);
        }
    }
}
