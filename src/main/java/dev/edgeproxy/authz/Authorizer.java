package dev.edgeproxy.authz;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelVariableResolver;
import dev.edgeproxy.authz.Decision.Step;
import dev.edgeproxy.logging.LogThrottle;
import dev.edgeproxy.route.RoutePolicies;
import dev.edgeproxy.route.RoutePolicy;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A route's authorization rules and the decision order of docs/reference.md#authorization:
 * <ol>
 * <li>no rules: allow;</li>
 * <li>any {@code deny} true: deny;</li>
 * <li>any {@code require} not true: deny;</li>
 * <li>any {@code allow} true: allow;</li>
 * <li>otherwise deny if there is an {@code allow} rule, else allow.</li>
 * </ol>
 * Every rule that is evaluated must evaluate cleanly: an error (an absent claim, a non-bool result)
 * denies whatever the rule's kind, and all rules of a kind are evaluated so the outcome never depends
 * on their order.
 *
 * <p>The order is written once, in {@link #decide}: {@link #authorize} stops where it is decided,
 * {@link #explain} reports the same decision and then evaluates the remaining rules for display.
 */
public final class Authorizer implements RoutePolicy {

    private static final Logger LOG = Logger.getLogger(Authorizer.class);

    public static final Authorizer ALLOW_ALL = new Authorizer("", List.of());

    /** The route's rules, or {@link #ALLOW_ALL} when it has no {@code authorization}. */
    public static Authorizer of(RoutePolicies policies) {
        Authorizer authorizer = policies.find(Authorizer.class);
        return authorizer == null ? ALLOW_ALL : authorizer;
    }
    /** Default of {@code gateway.limits.errorLogInterval}. */
    static final Duration LOG_INTERVAL = Duration.ofSeconds(10);

    private final String routeName;
    /** All rules in configuration order; the arrays below hold positions in it, per kind. */
    private final List<Rule> rules;
    private final int[] deny;
    private final int[] require;
    private final int[] allow;
    /** One per rule (by position): a user agent can make a rule fail on every request. */
    private final LogThrottle[] errorLog;

    public Authorizer(String routeName, List<Rule> rules) {
        this(routeName, rules, LOG_INTERVAL);
    }

    /** @param logInterval at most one evaluation-error line per rule in this interval */
    public Authorizer(String routeName, List<Rule> rules, Duration logInterval) {
        this.routeName = routeName;
        this.rules = List.copyOf(rules);
        this.errorLog = this.rules.stream().map(r -> new LogThrottle(logInterval)).toArray(LogThrottle[]::new);
        this.deny = positions(Rule.Kind.DENY);
        this.require = positions(Rule.Kind.REQUIRE);
        this.allow = positions(Rule.Kind.ALLOW);
    }

    private int[] positions(Rule.Kind kind) {
        return IntStream.range(0, rules.size()).filter(i -> rules.get(i).kind() == kind).toArray();
    }

    @Override
    public Phase phase() {
        return Phase.AFTER_AUTHENTICATION;
    }

    public boolean hasRules() {
        return !rules.isEmpty();
    }

    public List<Rule> rules() {
        return rules;
    }

    /**
     * The decision for one request, evaluating only the rules it needs; a rule that fails to evaluate is logged
     * (throttled per rule).
     */
    public Decision authorize(CelVariableResolver variables) {
        Decision decision = decide(variables, new RuleResult[rules.size()]);
        RuleResult decisive = decision.rule();
        if (decisive != null && decisive.isError()) {
            Rule rule = decisive.rule();
            LogThrottle throttle = errorLog[rules.indexOf(rule)];
            long dropped = throttle.acquire();
            if (dropped >= 0) {
                LOG.warnf("route %s: %s rule #%d (%s) failed to evaluate: %s; denying%s",
                        routeName, rule.kind().key(), rule.index(), rule.source(), decisive.error(),
                        throttle.suffix(dropped));
            }
        }
        return decision;
    }

    /**
     * The decision {@link #authorize} makes, the step that made it, and every rule's result. Nothing
     * is logged: the explanation carries the errors.
     */
    public Explanation explain(CelVariableResolver variables) {
        RuleResult[] results = new RuleResult[rules.size()];
        Decision decision = decide(variables, results);
        for (int i = 0; i < results.length; i++) {
            if (results[i] == null) {
                results[i] = evaluate(rules.get(i), variables);
            }
        }
        return new Explanation(decision, Arrays.asList(results));
    }

    /**
     * The decision order, the only copy of it. Each rule it needs is evaluated once into
     * {@code results} (by position); rules it does not need are left {@code null}.
     */
    private Decision decide(CelVariableResolver variables, RuleResult[] results) {
        // 1. No rules: allow.
        if (rules.isEmpty()) {
            return new Decision(true, Step.NO_RULES, null);
        }
        // 2. Any deny true denies; so does one that cannot be evaluated (stricter than the reference).
        for (int i : deny) {
            RuleResult r = result(i, variables, results);
            if (r.isError() || r.isTrue()) {
                return new Decision(false, Step.DENY, r);
            }
        }
        // 3. Any require not true (false or failing) denies.
        for (int i : require) {
            RuleResult r = result(i, variables, results);
            if (!r.isTrue()) {
                return new Decision(false, Step.REQUIRE, r);
            }
        }
        // 4. Any allow true allows, but every allow is evaluated: one failing denies, whatever the order.
        RuleResult firstTrue = null;
        for (int i : allow) {
            RuleResult r = result(i, variables, results);
            if (r.isError()) {
                return new Decision(false, Step.ALLOW, r);
            }
            if (firstTrue == null && r.isTrue()) {
                firstTrue = r;
            }
        }
        if (firstTrue != null) {
            return new Decision(true, Step.ALLOW, firstTrue);
        }
        // 5. Otherwise: deny when there are allow rules (none was true), else allow.
        return new Decision(allow.length == 0, Step.OTHERWISE, null);
    }

    private RuleResult result(int position, CelVariableResolver variables, RuleResult[] results) {
        if (results[position] == null) {
            results[position] = evaluate(rules.get(position), variables);
        }
        return results[position];
    }

    private static RuleResult evaluate(Rule rule, CelVariableResolver variables) {
        try {
            Object result = rule.condition().evaluate(variables);
            if (result instanceof Boolean b) {
                return RuleResult.of(rule, b);
            }
            return RuleResult.failed(rule, "returned " + (result == null ? "null" : result.getClass().getSimpleName())
                    + ", not a bool");
        } catch (CelEvaluationException | RuntimeException e) {
            return RuleResult.failed(rule, firstLine(e.getMessage()));
        }
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }
}
