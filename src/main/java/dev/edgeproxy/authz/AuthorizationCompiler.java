package dev.edgeproxy.authz;

import dev.edgeproxy.cel.CelEnvironment;
import dev.edgeproxy.config.GatewayConfig;
import dev.edgeproxy.config.ProblemSink;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Compiles a route's {@code policies.authorization} into its {@link Authorizer}: each rule exactly one of
 * {@code allow}, {@code deny} or {@code require}, each a CEL expression that type-checks to a bool.
 */
public final class AuthorizationCompiler {

    private final CelEnvironment cel;
    private final Duration errorLogInterval;

    /** @param errorLogInterval at most one evaluation-error log line per rule in this interval */
    public AuthorizationCompiler(CelEnvironment cel, Duration errorLogInterval) {
        this.cel = cel;
        this.errorLogInterval = errorLogInterval;
    }

    /**
     * The route's authorizer; {@link Authorizer#ALLOW_ALL} without rules.
     *
     * @param problems scoped to the route's {@code policies.authorization}: fields are reported as
     *                 {@code rules[0].allow}
     */
    public Authorizer compile(String routeName, GatewayConfig.Authorization config, ProblemSink problems) {
        List<GatewayConfig.Rule> configs = config.rules().orElse(List.of());
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < configs.size(); i++) {
            GatewayConfig.Rule r = configs.get(i);
            String field = "rules[" + i + "]";
            int given = (r.allow().isPresent() ? 1 : 0) + (r.deny().isPresent() ? 1 : 0) + (r.require().isPresent() ? 1 : 0);
            if (given != 1) {
                problems.at(field, "needs exactly one of allow, deny or require");
                continue;
            }
            Rule.Kind kind = r.allow().isPresent() ? Rule.Kind.ALLOW : r.deny().isPresent() ? Rule.Kind.DENY : Rule.Kind.REQUIRE;
            String source = r.allow().or(r::deny).or(r::require).get();
            cel.compileCondition(problems, field + "." + kind.key(), source)
                    .ifPresent(condition -> rules.add(new Rule(kind, rules.size(), source, condition)));
        }
        return rules.isEmpty() ? Authorizer.ALLOW_ALL : new Authorizer(routeName, rules, errorLogInterval);
    }
}
