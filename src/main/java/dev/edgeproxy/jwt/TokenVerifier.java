package dev.edgeproxy.jwt;

import dev.edgeproxy.jwt.jwks.JwksSource;
import dev.edgeproxy.jwt.jwks.KeySetParser;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Verifies a compact JWS against a route's providers and returns its claims.
 *
 * <p>Key choice (docs/reference.md#jwt-authentication): a token's {@code kid} selects every key with that id, across
 * all providers, each tried in order; a token without {@code kid} (or whose {@code kid} no key has) is tried against
 * the id-less and, for a kid-less token, all keys of the provider whose issuer equals the token's {@code iss}. Only
 * keys whose algorithms include the token's {@code alg} are tried.
 */
public final class TokenVerifier {

    /** How many verified tokens a route remembers (see {@link VerifiedTokenCache}). */
    static final int CACHE_CAPACITY = 10_000;

    private final List<Provider> providers;
    private final VerifiedTokenCache cache;
    /** Decides when a cached token has expired; the signature and claims checks keep smallrye-jwt's clock. */
    private final Clock clock;

    private TokenVerifier(List<Provider> providers, VerifiedTokenCache cache, Clock clock) {
        this.providers = List.copyOf(providers);
        this.cache = cache;
        this.clock = clock;
    }

    /** One provider's configuration, already validated by the route compiler. */
    public record ProviderSpec(String issuer, Set<String> audiences, JwksSource keys) {
    }

    public static TokenVerifier create(List<ProviderSpec> specs, Duration clockSkew) {
        return create(specs, clockSkew, CACHE_CAPACITY);
    }

    /** @param cacheCapacity how many verified tokens to remember; 0 verifies every token every time */
    public static TokenVerifier create(List<ProviderSpec> specs, Duration clockSkew, int cacheCapacity) {
        return create(specs, clockSkew, cacheCapacity, Clock.systemUTC());
    }

    /** @param clock the cache's clock: tests move it forward instead of waiting for a token to expire */
    static TokenVerifier create(List<ProviderSpec> specs, Duration clockSkew, int cacheCapacity, Clock clock) {
        return new TokenVerifier(specs.stream()
                .map(spec -> new Provider(spec.issuer(), spec.audiences(), clockSkew, spec.keys()))
                .toList(), new VerifiedTokenCache(cacheCapacity, clockSkew.toSeconds()), clock);
    }

    /** Changes whenever any provider's keys change (versions only grow, so their sum does too). */
    private long keyGeneration() {
        long sum = 0;
        for (Provider p : providers) {
            sum += p.source().current().version();
        }
        return sum;
    }

    /** Whether any provider's keys can change at run time (a {@code jwks.url}). */
    public boolean refreshable() {
        return providers.stream().anyMatch(p -> p.source().refreshable());
    }

    /**
     * A token named a key no provider has: ask the refreshable providers for fresh keys. Providers whose
     * issuer equals the token's (unverified) {@code iss} are asked first and alone when there are any.
     * Completes when their fetches are over; never exceptionally.
     */
    public CompletionStage<Void> refetchForUnknownKey(String compact) {
        String iss;
        try {
            iss = DecodedToken.decode(compact).issuer();
        } catch (TokenRejected malformed) {
            return CompletableFuture.completedFuture(null);
        }
        List<Provider> refreshable = providers.stream().filter(p -> p.source().refreshable()).toList();
        List<Provider> sameIssuer = refreshable.stream().filter(p -> p.issuer().equals(iss)).toList();
        List<Provider> asked = sameIssuer.isEmpty() ? refreshable : sameIssuer;
        return CompletableFuture.allOf(asked.stream()
                .map(p -> p.source().refetchForUnknownKey().toCompletableFuture())
                .toArray(CompletableFuture[]::new));
    }

    /**
     * Verifies {@code compact} (or finds it among the tokens verified recently under the same keys) and
     * returns its claims. A token that is not canonical base64url ({@link CanonicalToken}) is malformed
     * before it is parsed ({@link DecodedToken#decode}), and can never be answered from the cache: only
     * canonical tokens are stored.
     */
    public Map<String, Object> verify(String compact) throws TokenRejected {
        return check(compact).claims();
    }

    /** A verified token's claims, and whether they came from the cache (no signature was checked). */
    public record Verified(Map<String, Object> claims, boolean fromCache) {
    }

    /** As {@link #verify}, telling also whether the token was found among those verified recently. */
    public Verified check(String compact) throws TokenRejected {
        byte[] bytes = compact.getBytes(StandardCharsets.ISO_8859_1);
        long now = clock.millis() / 1000;
        long generation = keyGeneration();
        Map<String, Object> cached = cache.get(bytes, generation, now);
        if (cached != null) {
            // Only a token that passed the canonical-spelling check below is ever stored, and a hit means
            // these very bytes (a character outside ISO-8859-1 reads as '?', which no stored token has).
            // So the check need not run again here, where it would make every hit measurably slower: it reads
            // every character of the token, as the hash does (JMH verifyCached; the figures are in
            // bench/README.md#microbenchmarks).
            return new Verified(cached, true);
        }
        // One spelling per token, before any parsing: DecodedToken.decode checks it first (once: running it
        // here as well showed up in the native binary's profile of fresh tokens; the figures are in
        // bench/README.md#native-binary-accp-and-epoll), and any other spelling of a valid token is MALFORMED.
        Map<String, Object> claims = verifySignatureAndClaims(compact);
        cache.put(bytes, generation, claims, now);
        return new Verified(claims, false);
    }

    private Map<String, Object> verifySignatureAndClaims(String compact) throws TokenRejected {
        DecodedToken token = DecodedToken.decode(compact);
        String alg = token.alg();
        if (alg == null || !KeySetParser.ACCEPTED_ALGORITHMS.contains(alg)) {
            throw new TokenRejected(AuthFailure.UNSUPPORTED_ALGORITHM);
        }
        List<VerificationKey> candidates = candidates(token.kid(), token.issuer());
        if (candidates.isEmpty()) {
            throw new TokenRejected(AuthFailure.UNKNOWN_KEY);
        }
        TokenRejected first = null;
        boolean algorithmFits = false;
        for (VerificationKey key : candidates) {
            if (!key.accepts(alg)) {
                continue;
            }
            algorithmFits = true;
            try {
                key.verify(token);
                return ClaimValues.plain(token.claims());
            } catch (TokenRejected rejected) {
                if (first == null) {
                    first = rejected;
                }
            }
        }
        if (!algorithmFits) {
            throw new TokenRejected(AuthFailure.UNSUPPORTED_ALGORITHM);
        }
        throw first;
    }

    private List<VerificationKey> candidates(String kid, String issuer) {
        List<VerificationKey> out = new ArrayList<>();
        if (kid != null) {
            for (Provider p : providers) {
                for (VerificationKey k : p.keys()) {
                    if (kid.equals(k.kid())) {
                        out.add(k);
                    }
                }
            }
            if (!out.isEmpty()) {
                return out;
            }
        }
        for (Provider p : providers) {
            if (p.issuer().equals(issuer)) {
                for (VerificationKey k : p.keys()) {
                    if (kid == null || k.kid() == null) {
                        out.add(k);
                    }
                }
            }
        }
        return out;
    }
}
