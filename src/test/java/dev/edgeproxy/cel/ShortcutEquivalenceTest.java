package dev.edgeproxy.cel;

import dev.cel.runtime.CelVariableResolver;
import dev.edgeproxy.authz.TestRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Truth tables for {@link Shortcut}s: every expression below, alone and combined with {@code &&}, {@code ||} and
 * {@code !}, over every combination of the values (of every JSON type, and absent) of the variables and claims it
 * names. For each case the shortcut must either leave it to cel-java or give exactly cel-java's bool; where
 * cel-java fails (an absent claim, a value of another type, no matching overload), the shortcut must leave it.
 * So a shortcut can never turn an error into a decision, nor one decision into another.
 */
class ShortcutEquivalenceTest {

    private static final CelEnvironment ENV = new CelEnvironment();
    private static final AtomicInteger CASES = new AtomicInteger();
    private static final AtomicInteger DECIDED = new AtomicInteger();

    /** Expression → whether a shape matches it (so its common cases skip cel-java). */
    private static final Map<String, Boolean> LEAVES = leaves();

    private static Map<String, Boolean> leaves() {
        Map<String, Boolean> m = new LinkedHashMap<>();
        m.put("request.method == \"GET\"", true);
        m.put("request.method != \"GET\"", true);
        m.put("\"GET\" == request.method", true);
        m.put("request.method in [\"GET\", \"HEAD\"]", true);
        m.put("request.path == \"/admin\"", true);
        m.put("request.path.startsWith(\"/api/\")", true);
        m.put("request.path.endsWith(\".json\")", true);
        m.put("request.host.contains(\"example\")", true);
        m.put("request.headers[\"x-a\"] == \"b\"", true);
        m.put("request.headers[\"x-a\"] != \"b\"", true);
        m.put("request.headers.accept == \"a\"", true);
        m.put("request.headers[\"x-a\"].startsWith(\"b\")", true);
        m.put("\"x-a\" in request.headers", true);
        m.put("has(request.headers.accept)", true);
        m.put("source.port == 443", true);
        m.put("source.port != 443", true);
        m.put("source.port in [443, 8443]", true);
        m.put("jwt.sub == \"alice\"", true);
        m.put("jwt[\"sub\"] == \"alice\"", true);
        m.put("jwt.sub != \"alice\"", true);
        m.put("\"alice\" == jwt.sub", true);
        m.put("jwt.sub in [\"alice\", \"bob\"]", true);
        m.put("jwt.sub.startsWith(\"al\")", true);
        m.put("jwt.sub.endsWith(\"ce\")", true);
        m.put("jwt.sub.contains(\"lic\")", true);
        m.put("jwt.n == 3", true);
        m.put("jwt.n != 3", true);
        m.put("jwt.n in [3, 4]", true);
        m.put("jwt.admin", true);
        m.put("jwt.admin == true", true);
        m.put("jwt.admin != false", true);
        m.put("!jwt.admin", true);
        m.put("has(jwt.sub)", true);
        m.put("!has(jwt.sub)", true);
        m.put("\"groups\" in jwt", true);
        m.put("jwt.groups.contains(\"admins\")", true);
        m.put("\"admins\" in jwt.groups", true);
        m.put("jwt.scope.contains(\"orders:write\")", true);
        m.put("jwt.org.id == \"acme\"", true);
        m.put("jwt[\"org\"][\"id\"] == \"acme\"", true);
        m.put("has(jwt.org.id)", true);
        m.put("jwt.org.id == 7", true);
        m.put("jwt.groups[0] == \"admins\"", false);
        m.put("jwt.n == 3.0", false);
        m.put("jwt.n > 2", false);
        m.put("jwt.sub == request.headers[\"x-a\"]", false);
        m.put("jwt.groups.exists(g, g == \"admins\")", false);
        m.put("jwt.scope.split(\" \").exists(s, s == \"orders:write\")", false);
        m.put("size(jwt.groups) > 0", false);
        m.put("true", true);
        m.put("false", true);
        return m;
    }

    /** The leaves that are combined pairwise: both kinds, and ones that often fail in cel-java. */
    private static final List<String> COMBINED = List.of(
            "request.method == \"GET\"", "request.headers[\"x-a\"] == \"b\"", "source.port in [443, 8443]",
            "jwt.sub == \"alice\"", "jwt.n == 3", "jwt.admin", "has(jwt.sub)", "jwt.groups.contains(\"admins\")",
            "\"admins\" in jwt.groups", "jwt.org.id == \"acme\"", "jwt.n > 2", "jwt.groups.exists(g, g == \"admins\")",
            "false", "true");

    /** Each variable's values, and each claim's (absent first: {@link #ABSENT}). */
    private static final Object ABSENT = new Object();
    private static final Map<String, List<Object>> DOMAINS = domains();

    private static Map<String, List<Object>> domains() {
        Map<String, List<Object>> d = new LinkedHashMap<>();
        d.put("method", List.of("GET", "POST", "HEAD"));
        d.put("path", List.of("/admin", "/api/v1/x.json", "/"));
        d.put("host", List.of("api.example.com", "other.test"));
        d.put("headers", List.of(Map.of(), Map.of("x-a", "b", "accept", "a"), Map.of("x-a", "c", "accept", "text/html")));
        d.put("port", List.of(443L, 8443L, 80L));
        d.put("sub", List.of(ABSENT, "alice", "bob", "", 3L, true, List.of("alice"), Map.of("alice", "x")));
        d.put("n", List.of(ABSENT, 3L, 4L, 3.0d, 3.5d, "3", true, List.of(3L)));
        d.put("admin", List.of(ABSENT, true, false, "true", 1L, List.of(true)));
        d.put("groups", List.of(ABSENT, List.of("admins"), List.of("users", "dev"), List.of(), List.of("users", 3L),
                List.of(3L, "admins"), List.of(3.0d), List.of(Map.of()), "admins", "xadminsx",
                Map.of("admins", true), List.of(List.of("admins"))));
        d.put("scope", List.of(ABSENT, "orders:read orders:write", "orders:read", "", 5L, List.of("orders:write")));
        d.put("org", List.of(ABSENT, Map.of("id", "acme"), Map.of("id", 7L), Map.of("id", 7.0d), Map.of(), "acme",
                List.of("id")));
        return d;
    }

    private static final List<String> VARIABLE_NAMES = List.of("method", "path", "host", "headers", "port");

    static Stream<Arguments> expressions() {
        List<String> all = new ArrayList<>(LEAVES.keySet());
        for (String a : COMBINED) {
            for (String b : COMBINED) {
                all.add(a + " && " + b);
                all.add(a + " || " + b);
                all.add("!(" + a + " && " + b + ")");
            }
        }
        for (int i = 0; i + 2 < COMBINED.size(); i++) {
            all.add(COMBINED.get(i) + " && (" + COMBINED.get(i + 1) + " || !(" + COMBINED.get(i + 2) + "))");
        }
        return all.stream().map(e -> arguments(e));
    }

    @ParameterizedTest
    @MethodSource("expressions")
    void shortcutGivesCelJavasResultOrLeavesItToCelJava(String source) {
        Condition condition = ENV.compileCondition(source);
        int decided = 0;
        int cases = 0;
        for (TestRequest request : requestsFor(source)) {
            cases++;
            RequestVariables variables = request.variables();
            Object expected = celJava(condition, variables);
            Boolean shortcut = condition.shortcut().test(variables);
            // Any resolver, not only the proxy's own, gets the same answer.
            CelVariableResolver plain = name -> request.variables().find(name);
            assertEquals(shortcut, condition.shortcut().test(plain), () -> source + " over " + request.claims());
            if (shortcut != null) {
                decided++;
                if (!Objects.equals(expected, shortcut)) {
                    fail(source + " over " + request + ": cel-java gives " + expected + ", the shortcut " + shortcut);
                }
            }
            Object evaluated = celJavaOrError(() -> condition.evaluate(variables));
            assertEquals(expected, evaluated, () -> source + " over " + request);
        }
        CASES.addAndGet(cases);
        DECIDED.addAndGet(decided);
        Boolean shaped = LEAVES.get(source);
        if (shaped != null) {
            assertEquals(shaped, condition.hasShortcut(), () -> source + ": shortcut expected " + shaped);
            if (shaped) {
                // A shortcut that never decides would pass the check above vacuously.
                int d = decided;
                int c = cases;
                assertTrue(d > 0, () -> source + ": the shortcut decided none of " + c + " cases");
            }
        }
    }

    @AfterAll
    static void summary() {
        System.out.printf("ShortcutEquivalenceTest: %d cases, %d decided by a shortcut, the rest left to cel-java%n",
                CASES.get(), DECIDED.get());
    }

    @Test
    void theCommonShapesAreDecidedWithoutCelJava() {
        TestRequest request = TestRequest.get("/admin").withHeaders(Map.of("x-a", "b", "accept", "a")).withClaims(Map.of(
                "sub", "alice", "groups", List.of("users", "admins"), "admin", true, "n", 3L, "scope", "orders:write",
                "org", Map.of("id", "acme")));
        for (Map.Entry<String, Boolean> e : LEAVES.entrySet()) {
            Condition condition = ENV.compileCondition(e.getKey());
            if (e.getValue()) {
                Object expected = celJava(condition, request.variables());
                assertTrue(expected instanceof Boolean, () -> e.getKey() + " gives " + expected);
                assertEquals(expected, condition.shortcut().test(request.variables()), e.getKey());
            }
        }
    }

    /** Every combination of the values of the variables and claims {@code source} names. */
    private static List<TestRequest> requestsFor(String source) {
        List<TestRequest> out = new ArrayList<>();
        out.add(TestRequest.get("/"));
        for (Map.Entry<String, List<Object>> domain : DOMAINS.entrySet()) {
            String name = domain.getKey();
            boolean named = VARIABLE_NAMES.contains(name)
                    ? source.contains(name.equals("port") ? "source.port" : "request." + name)
                    : source.contains(name);
            if (!named) {
                continue;
            }
            List<TestRequest> next = new ArrayList<>();
            for (TestRequest r : out) {
                for (Object value : domain.getValue()) {
                    next.add(with(r, name, value));
                }
            }
            out = next;
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static TestRequest with(TestRequest r, String name, Object value) {
        return switch (name) {
            case "method" -> r.withMethod((String) value);
            case "path" -> new TestRequest(r.method(), (String) value, (String) value, r.host(), r.scheme(), r.headers(),
                    r.query(), r.sourceAddress(), r.sourcePort(), r.claims());
            case "host" -> new TestRequest(r.method(), r.path(), r.pathAndQuery(), (String) value, r.scheme(),
                    r.headers(), r.query(), r.sourceAddress(), r.sourcePort(), r.claims());
            case "headers" -> r.withHeaders((Map<String, String>) value);
            case "port" -> new TestRequest(r.method(), r.path(), r.pathAndQuery(), r.host(), r.scheme(), r.headers(),
                    r.query(), r.sourceAddress(), (Long) value, r.claims());
            default -> {
                Map<String, Object> claims = new LinkedHashMap<>(r.claims());
                if (value != ABSENT) {
                    claims.put(name, value);
                }
                yield r.withClaims(Collections.unmodifiableMap(claims));
            }
        };
    }

    /** cel-java's result, or the text {@code "error: ..."} where it fails. */
    private static Object celJava(Condition condition, RequestVariables variables) {
        return celJavaOrError(() -> condition.program().eval(variables));
    }

    private interface Evaluation {
        Object run() throws Exception;
    }

    private static Object celJavaOrError(Evaluation evaluation) {
        try {
            return evaluation.run();
        } catch (Exception e) {
            return "error: " + e.getMessage();
        }
    }
}
