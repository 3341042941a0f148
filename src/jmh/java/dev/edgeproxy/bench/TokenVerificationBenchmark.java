package dev.edgeproxy.bench;

import dev.edgeproxy.crypto.SignatureProvider;
import dev.edgeproxy.jwt.Authentication;
import dev.edgeproxy.jwt.CredentialCarrier;
import dev.edgeproxy.jwt.JwtAuthenticator;
import dev.edgeproxy.jwt.JwtMode;
import dev.edgeproxy.jwt.TokenLocation;
import dev.edgeproxy.jwt.TokenRejected;
import dev.edgeproxy.jwt.TokenVerifier.ProviderSpec;
import dev.edgeproxy.jwt.TokenVerifier;
import dev.edgeproxy.jwt.jwks.JwksSource;
import dev.edgeproxy.jwt.jwks.KeySetParser;
import dev.edgeproxy.testing.HeaderCarrier;
import dev.edgeproxy.testing.JwsMinter;
import io.vertx.core.MultiMap;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Token verification as a route does it: keys parsed from a real JWKS by {@link KeySetParser}, one provider
 * with issuer and audience, a token signed in {@code @Setup} with a freshly generated key.
 *
 * <ul>
 * <li>{@code verifyUncached}: cache capacity 0, so every call decodes the token, checks the signature and
 * the claims ({@code TokenVerifier.create(specs, skew, 0)}).</li>
 * <li>{@code verifyCached}: the default capacity and the same token every time: one SHA-256 and one lookup.</li>
 * <li>{@code authenticateCached}: the route's {@link JwtAuthenticator} in strict mode, as the pipeline calls
 * it: read {@code Authorization: Bearer} from a typical header map, verify (cached), remove the credential.
 * Because a verified credential is removed, each call first puts the header back (one map write).</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class TokenVerificationBenchmark {

    static final String ISSUER = "https://idp.example.test";
    static final String AUDIENCE = "orders-api";
    static final Duration SKEW = Duration.ofSeconds(60);

    @Param({"RS256", "ES256", "EdDSA"})
    public String alg;

    /**
     * {@code jdk}: the JDK's providers; {@code auto}: what edge-proxy installs at startup (ACCP when it
     * loads). JMH runs every parameter combination in its own JVM, so the choice never leaks.
     */
    @Param({"jdk", "auto"})
    public String provider;

    private TokenVerifier uncached;
    private TokenVerifier cached;
    private JwtAuthenticator authenticator;
    private String token;
    private String bearer;
    private MultiMap headers;
    private CredentialCarrier carrier;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        System.err.println("provider: " + SignatureProvider.install(provider).describe());
        KeyPair pair = keyPair(alg);
        String kid = "bench-" + alg.toLowerCase();
        PublicJsonWebKey jwk = PublicJsonWebKey.Factory.newPublicJwk(pair.getPublic());
        jwk.setKeyId(kid);
        String jwks = new JsonWebKeySet(List.of(jwk)).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
        List<ProviderSpec> specs = List.of(
                new ProviderSpec(ISSUER, Set.of(AUDIENCE), JwksSource.fixed(KeySetParser.parse(jwks))));

        uncached = TokenVerifier.create(specs, SKEW, 0);
        cached = TokenVerifier.create(specs, SKEW);
        authenticator = new JwtAuthenticator("bench", JwtMode.STRICT, TokenLocation.DEFAULT, TokenVerifier.create(specs, SKEW),
                Duration.ZERO);

        token = sign(pair, alg, kid);
        bearer = "Bearer " + token;
        headers = MultiMap.caseInsensitiveMultiMap()
                .add("host", "api.example.com")
                .add("user-agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)")
                .add("accept", "application/json")
                .add("accept-encoding", "gzip, deflate, br")
                .add("accept-language", "en-GB,en;q=0.9")
                .add("x-request-id", "4bf92f3577b34da6a3ce929d0e0e4736")
                .add("authorization", bearer);
        carrier = HeaderCarrier.of(headers);

        // Fail fast rather than measure a rejection.
        check(uncached.verify(token));
        check(cached.verify(token));
        check(authenticateCached().identity().claims());
    }

    private static void check(Map<String, Object> claims) {
        if (!"alice".equals(claims.get("sub"))) {
            throw new IllegalStateException("token did not verify: " + claims);
        }
    }

    @Benchmark
    public Map<String, Object> verifyUncached() throws TokenRejected {
        return uncached.verify(token);
    }

    @Benchmark
    public Map<String, Object> verifyCached() throws TokenRejected {
        return cached.verify(token);
    }

    @Benchmark
    public Authentication authenticateCached() {
        headers.set("authorization", bearer);
        return authenticator.authenticate(carrier).toCompletableFuture().join();
    }

    static KeyPair keyPair(String alg) throws Exception {
        return switch (alg) {
            case "RS256" -> {
                KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                g.initialize(2048);
                yield g.generateKeyPair();
            }
            case "ES256" -> {
                KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
                g.initialize(new ECGenParameterSpec("secp256r1"));
                yield g.generateKeyPair();
            }
            case "EdDSA" -> KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            default -> throw new IllegalArgumentException("unknown alg " + alg);
        };
    }

    /** A typical access token: iss, aud, sub, groups, scope, iat now, exp in an hour (outlasts the run). */
    static String sign(KeyPair pair, String alg, String kid) throws Exception {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(ISSUER);
        claims.setAudience(AUDIENCE);
        claims.setSubject("alice");
        claims.setStringListClaim("groups", "users", "dev", "admins");
        claims.setClaim("scope", "orders:read orders:write");
        claims.setIssuedAt(NumericDate.now());
        NumericDate exp = NumericDate.now();
        exp.addSeconds(3600);
        claims.setExpirationTime(exp);
        return JwsMinter.sign(pair.getPrivate(), alg, kid, claims.toJson());
    }
}
