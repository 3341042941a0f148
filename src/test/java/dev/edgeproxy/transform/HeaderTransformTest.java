package dev.edgeproxy.transform;

import dev.cel.common.types.SimpleType;
import dev.edgeproxy.authz.TestRequest;
import dev.edgeproxy.cel.CelEnvironment;
import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/reference.md#forwarding: transformations.request; remove, set (replaces), add (appends). */
class HeaderTransformTest {

    private static final CelEnvironment ENV = new CelEnvironment();

    private static final TestRequest ALICE = TestRequest.get("/admin")
            .withClaims(Map.of("sub", "alice", "groups", List.of("admins"), "n", 7L, "verified", true));
    private static final TestRequest ANONYMOUS = TestRequest.get("/admin");

    static HeaderTransform.Edit edit(String header, String source) {
        return new HeaderTransform.Edit(header, source,
                ENV.compile(source, Set.of(SimpleType.STRING, SimpleType.INT, SimpleType.BOOL)));
    }

    static MultiMap headers(String... nameValues) {
        MultiMap m = MultiMap.caseInsensitiveMultiMap();
        for (int i = 0; i < nameValues.length; i += 2) {
            m.add(nameValues[i], nameValues[i + 1]);
        }
        return m;
    }

    static MultiMap apply(HeaderTransform t, MultiMap h, TestRequest request) {
        t.apply(h, request.variables());
        return h;
    }

    @Test
    void noneChangesNothing() {
        assertTrue(HeaderTransform.NONE.isEmpty());
        MultiMap h = apply(HeaderTransform.NONE, headers("X-Debug", "1", "Accept", "*/*"), ALICE);
        assertEquals(List.of("1"), h.getAll("x-debug"));
        assertEquals(List.of("*/*"), h.getAll("accept"));
    }

    @Test
    void removeDeletesEveryValueInAnyCase() {
        HeaderTransform t = new HeaderTransform("r", List.of("x-debug"), List.of(), List.of());
        assertFalse(t.isEmpty());
        MultiMap h = apply(t, headers("X-Debug", "1", "x-debug", "2", "X-DEBUG", "3", "Accept", "*/*"), ALICE);
        assertFalse(h.contains("x-debug"));
        assertEquals("*/*", h.get("accept"));
    }

    @Test
    void removeOfAnAbsentHeaderIsHarmless() {
        HeaderTransform t = new HeaderTransform("r", List.of("x-debug"), List.of(), List.of());
        MultiMap h = apply(t, headers("Accept", "*/*"), ALICE);
        assertEquals(1, h.size());
    }

    @Test
    void setAddsTheHeaderWhenAbsent() {
        HeaderTransform t = new HeaderTransform("r", List.of(), List.of(edit("x-user-id", "jwt.sub")), List.of());
        assertEquals(List.of("alice"), apply(t, headers(), ALICE).getAll("x-user-id"));
    }

    @Test
    void setReplacesAClientSentValue() {
        HeaderTransform t = new HeaderTransform("r", List.of(), List.of(edit("x-user-id", "jwt.sub")), List.of());
        MultiMap h = apply(t, headers("X-User-Id", "mallory"), ALICE);
        assertEquals(List.of("alice"), h.getAll("x-user-id"));
    }

    @Test
    void setReplacesSeveralClientSentValues() {
        HeaderTransform t = new HeaderTransform("r", List.of(), List.of(edit("x-user-id", "jwt.sub")), List.of());
        MultiMap h = apply(t, headers("X-User-Id", "mallory", "Accept", "*/*", "x-user-id", "eve", "X-USER-ID", "trudy"), ALICE);
        assertEquals(List.of("alice"), h.getAll("x-user-id"));
        assertEquals("*/*", h.get("accept"));
    }

    @Test
    void addAppendsToClientSentValues() {
        HeaderTransform t = new HeaderTransform("r", List.of(), List.of(), List.of(edit("x-route", "\"admin\"")));
        MultiMap h = apply(t, headers("X-Route", "client"), ALICE);
        assertEquals(List.of("client", "admin"), h.getAll("x-route"));
        assertEquals(List.of("admin"), apply(t, headers(), ALICE).getAll("x-route"));
    }

    @ParameterizedTest(name = "failing set {1} with client value {0} leaves no header")
    @CsvSource({
            "mallory, jwt.sub",
            "mallory, jwt.email",
            "mallory, 'request.headers[\"x-missing\"]'",
            "'', jwt.sub"})
    void failingSetRemovesTheClientsHeaderAndSetsNothing(String clientValue, String expression) {
        HeaderTransform t = new HeaderTransform("r", List.of(), List.of(edit("x-user-id", expression)), List.of());
        MultiMap h = apply(t, headers("X-User-Id", clientValue, "x-user-id", "second", "Accept", "*/*"), ANONYMOUS);
        assertFalse(h.contains("x-user-id"), () -> "client impersonation survived: " + h.getAll("x-user-id"));
        assertEquals("*/*", h.get("accept"));
    }

    @Test
    void failingSetDoesNotStopTheOtherEdits() {
        HeaderTransform t = new HeaderTransform("r", List.of("x-debug"),
                List.of(edit("x-user-id", "jwt.sub"), edit("x-path", "request.path")),
                List.of(edit("x-email", "jwt.email"), edit("x-route", "\"admin\"")));
        MultiMap h = apply(t, headers("X-User-Id", "mallory", "X-Debug", "1", "X-Email", "client@example.com"), ANONYMOUS);
        assertFalse(h.contains("x-user-id"));
        assertFalse(h.contains("x-debug"));
        assertEquals(List.of("/admin"), h.getAll("x-path"));
        assertEquals(List.of("client@example.com"), h.getAll("x-email"), "a failing add adds nothing");
        assertEquals(List.of("admin"), h.getAll("x-route"));
    }

    @ParameterizedTest(name = "{0} renders as {1}")
    @CsvSource({
            "source.port, 54321",
            "jwt.n, 7",
            "jwt.n + 1, 8",
            "size(jwt.groups), 1",
            "has(jwt.sub), true",
            "jwt.verified, true",
            "request.path == \"/nope\", false",
            "jwt.sub, alice",
            "'\"lit\"', lit"})
    void nonStringResultsAreRenderedAsText(String expression, String expected) {
        HeaderTransform t = new HeaderTransform("r", List.of(), List.of(edit("x-out", expression)),
                List.of(edit("x-added", expression)));
        MultiMap h = apply(t, headers(), ALICE);
        assertEquals(List.of(expected), h.getAll("x-out"));
        assertEquals(List.of(expected), h.getAll("x-added"));
    }

    @Test
    void nonScalarDynResultSetsNothing() {
        HeaderTransform t = new HeaderTransform("r", List.of(), List.of(edit("x-groups", "jwt.groups")), List.of());
        MultiMap h = apply(t, headers("X-Groups", "admins"), ALICE);
        assertFalse(h.contains("x-groups"));
    }

    @Test
    void multiLineValueSetsNothing() {
        HeaderTransform t = new HeaderTransform("r", List.of(), List.of(edit("x-user-id", "jwt.sub")), List.of());
        MultiMap h = apply(t, headers("X-User-Id", "mallory"),
                ANONYMOUS.withClaims(Map.of("sub", "alice\r\nX-Admin: true")));
        assertFalse(h.contains("x-user-id"));
    }

    /** A claim that is no valid field value sets nothing (and the client's value is gone all the same). */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"a\u0001b", "a\u0000", "a\nb", "a\rb", "a\u007fb",
            " padded", "padded\t", "a\r\n\tX-Injected: 1"})
    void aClaimThatIsNoFieldValueSetsNothing(String sub) {
        HeaderTransform t = new HeaderTransform("r", List.of(), List.of(edit("x-user-id", "jwt.sub")), List.of());
        MultiMap h = apply(t, headers("X-User-Id", "mallory"), ANONYMOUS.withClaims(Map.of("sub", sub)));
        assertFalse(h.contains("x-user-id"));
    }

    @Test
    void nonAsciiClaimsAreSentAsUtf8() {
        HeaderTransform t = new HeaderTransform("r", List.of(), List.of(edit("x-user", "jwt.name")), List.of());
        MultiMap h = apply(t, headers(), ANONYMOUS.withClaims(Map.of("name", "Jos\u00e9 \u65e5")));
        assertEquals(new String("Jos\u00e9 \u65e5".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                java.nio.charset.StandardCharsets.ISO_8859_1), h.get("x-user"));
    }

    @Test
    void orderIsRemoveThenSetThenAdd() {
        HeaderTransform t = new HeaderTransform("r", List.of("x-a"),
                List.of(edit("x-a", "\"set\"")),
                List.of(edit("x-a", "\"added\"")));
        MultiMap h = apply(t, headers("X-A", "client"), ALICE);
        assertEquals(List.of("set", "added"), h.getAll("x-a"));
    }
}
