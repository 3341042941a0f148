package dev.edgeproxy.bench;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.edgeproxy.authz.Authorizer;
import dev.edgeproxy.authz.Rule;
import dev.edgeproxy.cel.CelEnvironment;
import dev.edgeproxy.cel.Condition;
import dev.edgeproxy.cel.RequestVariables;
import dev.edgeproxy.cel.Shortcut;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One authorization rule, compiled once by the real {@link CelEnvironment}, evaluated through
 * {@link Authorizer#authorize} over fresh {@link RequestVariables} per request, as the pipeline does.
 * Both rules are true for the request, so the decision is "allow" at step 4.
 *
 * <p>{@code simpleRule} is what the proxy runs (the rule has a {@link Shortcut}); {@code simpleRuleCelJava} is the
 * same rule with its shortcut removed, so every evaluation goes through cel-java's interpreter: the baseline, in
 * the same run. {@code macroRule} (a comprehension) has no shortcut.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class CelBenchmark {

    static final String SIMPLE = "request.path == \"/admin\" && jwt.groups.contains(\"admins\")";
    static final String MACRO = "jwt.groups.exists(g, g == \"admins\")";

    /** What the proxy's request adapter hands the CEL variables: plain values, claims as verification leaves them. */
    public record BenchRequest(String method, String path, String pathAndQuery, String host, String scheme,
            Map<String, String> headers, Map<String, String> query, String sourceAddress, long sourcePort,
            Map<String, Object> claims) implements RequestVariables.Source {
    }

    private Authorizer simple;
    private Authorizer simpleCelJava;
    private CelRuntime.Program simpleProgram;
    private Authorizer macro;
    private BenchRequest request;

    @Setup(Level.Trial)
    public void setUp() {
        CelEnvironment env = new CelEnvironment();
        simple = authorizer(env, SIMPLE);
        simpleProgram = simple.rules().get(0).condition().program();
        simpleCelJava = new Authorizer("bench", List.of(new Rule(Rule.Kind.ALLOW, 0, SIMPLE,
                new Condition(simpleProgram, Shortcut.NONE))));
        macro = authorizer(env, MACRO);

        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", "https://idp.example.test");
        claims.put("aud", "orders-api");
        claims.put("sub", "alice");
        claims.put("groups", List.of("users", "dev", "admins"));
        claims.put("scope", "orders:read orders:write");
        claims.put("iat", 1_795_875_450L);
        claims.put("exp", 1_795_879_050L);
        request = new BenchRequest("GET", "/admin", "/admin", "api.example.com", "https",
                Map.of("host", "api.example.com", "accept", "application/json", "user-agent", "curl/8.5.0"),
                Map.of(), "192.0.2.7", 54_321, Collections.unmodifiableMap(claims));

        if (!simple.rules().get(0).condition().hasShortcut()) {
            throw new IllegalStateException("the simple rule has no shortcut");
        }
        if (!simpleRule() || !simpleRuleCelJava() || !macroRule()) {
            throw new IllegalStateException("a rule is not true for the benchmark request");
        }
    }

    private static Authorizer authorizer(CelEnvironment env, String source) {
        Rule rule = new Rule(Rule.Kind.ALLOW, 0, source, env.compileCondition(source));
        return new Authorizer("bench", List.of(rule));
    }

    @Benchmark
    public boolean simpleRule() {
        return simple.authorize(new RequestVariables(request)).allowed();
    }

    @Benchmark
    public boolean simpleRuleCelJava() {
        return simpleCelJava.authorize(new RequestVariables(request)).allowed();
    }

    /** The simple rule's program alone, without the decision order around it: what CEL itself costs. */
    @Benchmark
    public Object simpleRuleProgramOnly() throws CelEvaluationException {
        return simpleProgram.eval(new RequestVariables(request));
    }

    @Benchmark
    public boolean macroRule() {
        return macro.authorize(new RequestVariables(request)).allowed();
    }
}
