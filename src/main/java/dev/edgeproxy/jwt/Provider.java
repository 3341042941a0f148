package dev.edgeproxy.jwt;

import dev.edgeproxy.jwt.jwks.JwksSource.KeySet;

import dev.edgeproxy.jwt.jwks.JwksSource;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * One trusted token issuer: its exact {@code iss}, optional audiences, and its keys. The smallrye-jwt
 * parsers are built per generation of keys and reused until the source publishes another.
 */
final class Provider {

    private final String issuer;
    private final Set<String> audiences;
    private final Duration clockSkew;
    private final JwksSource source;
    private volatile Generation generation;

    private record Generation(long version, List<VerificationKey> keys) {
    }

    Provider(String issuer, Set<String> audiences, Duration clockSkew, JwksSource source) {
        this.issuer = issuer;
        this.audiences = Set.copyOf(audiences);
        this.clockSkew = clockSkew;
        this.source = source;
        keys(); // build the first generation now, at startup
    }

    String issuer() {
        return issuer;
    }

    JwksSource source() {
        return source;
    }

    /** The verifiers for the keys in force. */
    List<VerificationKey> keys() {
        KeySet set = source.current();
        Generation g = generation;
        if (g == null || g.version() != set.version()) {
            // Keys rotated: build parsers for the new generation (rare; a race only builds it twice).
            g = new Generation(set.version(), set.keys().stream()
                    .map(k -> new VerificationKey(k.kid(), k.key(), k.algorithms(), issuer, audiences, clockSkew))
                    .toList());
            generation = g;
        }
        return g.keys();
    }
}
