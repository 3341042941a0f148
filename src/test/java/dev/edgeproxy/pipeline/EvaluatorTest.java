package dev.edgeproxy.pipeline;

import dev.edgeproxy.authz.Decision;
import dev.edgeproxy.jwt.AuthFailure;
import dev.edgeproxy.route.RouteTable;
import dev.edgeproxy.testing.Configs;
import dev.edgeproxy.testing.TestKeys;
import io.vertx.core.MultiMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.security.KeyPair;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one evaluation of a request (steps 2-5) on a real compiled table with real keys: which step refuses,
 * with which answer, and what the origin would receive otherwise. The pipeline and {@code /explain} both act on
 * this result, so this table is what both of them do.
 */
class EvaluatorTest {

    private static final String ISSUER = "evaluator.test";
    private static KeyPair rsa;
    private static RouteTable table;
    private static String valid;

    @BeforeAll
    static void compile() throws Exception {
        rsa = TestKeys.rsa2048();
        String jwks = Configs.jwksOf(rsa, "k1").replace("'", "''");
        table = Configs.compile("""
                gateway:
                  routes:
                    - name: strict
                      matches: [{path: {pathPrefix: /strict}}]
                      limits: {maxRequestBody: 100}
                      backends: [{host: "127.0.0.1:8081"}]
                      policies:
                        jwtAuth: {mode: strict, issuer: %1$s, jwks: {inline: '%2$s'}}
                        authorization:
                          rules:
                            - deny: 'request.path.startsWith("/strict/deny")'
                            - allow: 'jwt.sub == "alice"'
                        transformations:
                          request:
                            set: {x-user: 'jwt.sub'}
                    - name: permissive
                      matches: [{path: {pathPrefix: /permissive}}]
                      backends: [{host: "127.0.0.1:8081"}]
                      policies:
                        jwtAuth: {mode: permissive, issuer: %1$s, jwks: {inline: '%2$s'}}
                """.formatted(ISSUER, jwks));
        valid = Configs.token(rsa, "k1", ISSUER);
    }

    static Stream<Arguments> outcomes() {
        return Stream.of(
                // target, authorization, content-length, status (0: forwarded), route, jwt failure, decided at
                Arguments.of("/strict/%2Fa", "VALID", null, 400, null, null, Evaluation.Step.REQUEST),
                Arguments.of("/strict/a", "Bearer v\u0001", null, 400, null, null, Evaluation.Step.REQUEST),
                Arguments.of("/nowhere", null, null, 404, null, null, Evaluation.Step.ROUTE),
                Arguments.of("/strict/a", null, "101", 413, "strict", null, Evaluation.Step.LIMITS),
                Arguments.of("/strict/a", "Bearer not.a.token", "101", 413, "strict", null, Evaluation.Step.LIMITS),
                Arguments.of("/strict/a", null, "100", 401, "strict", AuthFailure.MISSING_TOKEN,
                        Evaluation.Step.AUTHENTICATION),
                Arguments.of("/strict/a", "Bearer x.y.z", null, 401, "strict", AuthFailure.MALFORMED,
                        Evaluation.Step.AUTHENTICATION),
                Arguments.of("/strict/deny", "VALID", null, 403, "strict", null, Evaluation.Step.AUTHORIZATION),
                Arguments.of("/strict/a", "VALID", "100", 0, "strict", null, Evaluation.Step.AUTHORIZATION),
                Arguments.of("/permissive/a", "Bearer x.y.z", null, 0, "permissive", AuthFailure.MALFORMED,
                        Evaluation.Step.AUTHORIZATION),
                Arguments.of("/permissive/a", null, null, 0, "permissive", AuthFailure.MISSING_TOKEN,
                        Evaluation.Step.AUTHORIZATION));
    }

    @ParameterizedTest(name = "{0} auth={1} length={2} -> {3}")
    @MethodSource("outcomes")
    void eachStepRefusesWithItsAnswerOrTheRequestIsForwarded(String target, String authorization, String length,
            int status, String route, AuthFailure failure, Evaluation.Step decidedAt) {
        for (Evaluator.Purpose rules : Evaluator.Purpose.values()) {
            Evaluation e = evaluate(target, authorization, length, rules);
            assertEquals(decidedAt, e.decidedAt(), rules::name);
            assertEquals(decidedAt == Evaluation.Step.REQUEST, e.request() == null, "only step 1 leaves no request");
            assertEquals(route, e.route() == null ? null : e.route().name(), rules::name);
            if (status == 0) {
                assertTrue(e.forwarded(), () -> "refused: " + e.refusal());
                assertNotNull(e.originHeaders());
            } else {
                assertEquals(status, e.refusal().status(), rules::name);
                assertNull(e.originHeaders());
            }
            if (failure != null) {
                assertEquals(failure, e.authentication().failure());
            }
            if (status == 413) {
                assertNull(e.authentication(), "a declared body over the limit is refused before any verification");
            }
        }
    }

    @Test
    void aForwardedRequestCarriesNoCredentialAndTheRouteHeadersWinOverTheClient() {
        Evaluation e = evaluate("/strict/a", "VALID", null, Evaluator.Purpose.FORWARD, Map.of("x-user", "mallory"));
        MultiMap headers = e.originHeaders();
        assertNull(headers.get("authorization"));
        assertEquals("alice", headers.get("x-user"));
        assertEquals(1, headers.getAll("x-user").size());
        assertEquals("alice", e.identity().claims().get("sub"));
    }

    @Test
    void everyRuleIsRecordedOnlyWhenAskedFor() {
        // The deny rule is false, so the decision needs the allow rule too; an explanation lists both.
        Evaluation decisive = evaluate("/strict/a", "VALID", null, Evaluator.Purpose.FORWARD);
        Evaluation every = evaluate("/strict/a", "VALID", null, Evaluator.Purpose.EXPLAIN);
        assertTrue(decisive.rules().isEmpty());
        assertEquals(2, every.rules().size());
        assertEquals(decisive.decision(), every.decision());
        assertEquals(Decision.Step.ALLOW, every.decision().step());
    }

    @Test
    void theChallengeNamesTheRouteAndTheBearerError() {
        Map<String, String> headers = new HashMap<>();
        Evaluation missing = evaluate("/strict/a", null, null, Evaluator.Purpose.FORWARD);
        missing.refusal().headers(headers::put);
        assertEquals("Bearer realm=\"strict\"", headers.get("www-authenticate"));
        assertEquals("authentication failure: missing token", missing.refusal().body());

        Evaluation malformed = evaluate("/strict/a", "Bearer x.y.z", null, Evaluator.Purpose.FORWARD);
        malformed.refusal().headers(headers::put);
        assertEquals("Bearer realm=\"strict\", error=\"invalid_token\"", headers.get("www-authenticate"));
    }

    private static Evaluation evaluate(String target, String authorization, String length, Evaluator.Purpose rules) {
        return evaluate(target, authorization, length, rules, Map.of());
    }

    private static Evaluation evaluate(String target, String authorization, String length, Evaluator.Purpose rules,
            Map<String, String> extra) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("host", "example.test");
        if (authorization != null) {
            headers.add("authorization", authorization.equals("VALID") ? "Bearer " + valid : authorization);
        }
        if (length != null) {
            headers.add("content-length", length);
        }
        extra.forEach(headers::add);
        Arrival request = Arrival.described("POST", target, headers, false, "192.0.2.1", 4000);
        CompletableFuture<Evaluation> result = Evaluator.evaluate(table, request, rules, Runnable::run)
                .toCompletableFuture();
        assertTrue(result.isDone(), "keys that never change complete the evaluation at once");
        return result.join();
    }
}
