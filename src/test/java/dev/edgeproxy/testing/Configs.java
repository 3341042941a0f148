package dev.edgeproxy.testing;

import dev.edgeproxy.cel.CelEnvironment;
import dev.edgeproxy.compile.RouteCompiler;
import dev.edgeproxy.config.EmptyListInterceptor;
import dev.edgeproxy.config.GatewayConfig;
import dev.edgeproxy.config.InvalidConfigException;
import dev.edgeproxy.jwt.JwtAuthenticator;
import dev.edgeproxy.route.Route;
import dev.edgeproxy.route.RouteTable;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.source.yaml.YamlConfigSource;
import io.vertx.core.MultiMap;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;

import java.security.KeyPair;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Binds YAML text through the real {@code @ConfigMapping} and the application's config interceptor for
 * empty lists, as the application does with its files, and compiles it with the real compiler.
 */
public final class Configs {

    private Configs() {
    }

    public static GatewayConfig bind(String yaml) {
        return new SmallRyeConfigBuilder()
                .withSources(new YamlConfigSource("test", yaml))
                .withInterceptors(new EmptyListInterceptor())
                .withMapping(GatewayConfig.class)
                .withValidateUnknown(false)
                .build()
                .getConfigMapping(GatewayConfig.class);
    }

    /**
     * As {@link #bind}, and with unknown {@code gateway.*} keys refused as Quarkus refuses them at
     * startup ({@code SRCFG00050}).
     *
     * @throws io.smallrye.config.ConfigValidationException for an unknown key
     */
    public static GatewayConfig bindAsAtStartup(String yaml) {
        return new SmallRyeConfigBuilder()
                .withSources(new YamlConfigSource("test", yaml))
                .withInterceptors(new EmptyListInterceptor())
                .withMapping(GatewayConfig.class)
                .build()
                .getConfigMapping(GatewayConfig.class);
    }

    /** Binds and compiles {@code yaml} into a route table (JWKS files read, no remote fetcher). */
    public static RouteTable compile(String yaml) {
        return RouteCompiler.compile(bind(yaml), new CelEnvironment());
    }

    /** Asserts that compiling {@code yaml} fails, and returns the failure. */
    public static InvalidConfigException compileFails(String yaml) {
        return assertThrows(InvalidConfigException.class, () -> compile(yaml),
                () -> "expected InvalidConfigException for:\n" + yaml);
    }

    /** Asserts one error reads "ROUTE: FIELD: ..." and the whole message names both. */
    public static void assertReported(InvalidConfigException e, String route, String field) {
        assertTrue(e.getMessage().contains(route), () -> "message does not name " + route + ":\n" + e.getMessage());
        assertTrue(e.getMessage().contains(field), () -> "message does not name " + field + ":\n" + e.getMessage());
        String prefix = route + ": " + field + ": ";
        assertTrue(e.errors().stream().anyMatch(err -> err.startsWith(prefix)),
                () -> "no error starting with \"" + prefix + "\" in " + e.errors());
    }

    /**
     * Asserts that {@code errors} holds exactly one problem, reading {@code route 'r': FIELD: ...} and saying
     * {@code reason}: a case holds one mistake, and a second error would mean it tests something else.
     */
    public static void assertOnlyProblem(List<String> errors, String field, String reason) {
        String prefix = "route 'r': " + field + ": ";
        assertTrue(errors.stream().anyMatch(err -> err.startsWith(prefix) && err.contains(reason)),
                () -> "no error starting with \"" + prefix + "\" saying \"" + reason + "\": " + errors);
        assertEquals(1, errors.size(), () -> "expected exactly one error: " + errors);
    }

    /** Route {@code r} with one backend and the given {@code policies} (YAML of its keys, unindented). */
    public static String policyRoute(String policies) {
        return """
                gateway:
                  routes:
                    - name: r
                      backends:
                        - host: 127.0.0.1:8081
                      policies:
                """ + policies.indent(8);
    }

    /** The policies of route {@code r} in {@code yaml}, bound the real way: what a policy compiler is given. */
    public static GatewayConfig.Policies policiesOf(String yaml) {
        GatewayConfig.Route route = bind(yaml).routes().orElseThrow().stream()
                .filter(r -> r.name().filter("r"::equals).isPresent()).findFirst().orElseThrow();
        return route.policies().orElseThrow();
    }

    /** The route named {@code name}. */
    public static Route route(RouteTable table, String name) {
        return table.routes().stream().filter(r -> r.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no route " + name + " in " + table.routes()));
    }

    /** One strict JWT route {@code r} (issuer {@code test.issuer}) with the given {@code jwks:} body and further fields. */
    public static String jwtRoute(String jwksYaml, String extra) {
        return """
                gateway:
                  routes:
                    - name: r
                      backends:
                        - host: 127.0.0.1:8081
                      policies:
                        jwtAuth:
                          mode: strict
                          issuer: test.issuer
                """ + ("jwks:\n" + jwksYaml.indent(2) + extra).indent(10);
    }

        /** A public-only JWKS document for a real RSA key (RS256). */
    public static String jwksOf(KeyPair pair, String kid) {
        return TestKeys.jwks(TestKeys.jwk(pair.getPublic(), kid, AlgorithmIdentifiers.RSA_USING_SHA256));
    }

    /** An RS256 token for subject {@code alice}, valid for five minutes. */
    public static String token(KeyPair pair, String kid, String issuer) throws Exception {
        return token(pair, kid, issuer, true);
    }

    public static String token(KeyPair pair, String kid, String issuer, boolean withIssuedAt) throws Exception {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer);
        claims.setSubject("alice");
        if (withIssuedAt) {
            claims.setIssuedAtToNow();
        }
        claims.setExpirationTimeMinutesInTheFuture(5);
        return Tokens.sign(pair.getPrivate(), AlgorithmIdentifiers.RSA_USING_SHA256, kid, claims);
    }

    /** Runs the route's JWT policy on a request carrying {@code token}; true when the token verified. */
    public static boolean verifies(Route route, String token) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer " + token);
        return Authn.outcome(route.policies().find(JwtAuthenticator.class), headers).verified();
    }
}
