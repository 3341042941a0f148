package dev.edgeproxy.authz;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelVariableResolver;
import org.jboss.logging.Logger;

import java.util.List;

/**
 * A route's authorization rules and the decision order of CONTRACT §4:
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
 */
public final class Authorizer {

    private static final Logger LOG = Logger.getLogger(Authorizer.class);

    public static final Authorizer ALLOW_ALL = new Authorizer("", List.of());

    private final String routeName;
    private final List<Rule> deny;
    private final List<Rule> require;
    private final List<Rule> allow;

    public Authorizer(String routeName, List<Rule> rules) {
        this.routeName = routeName;
        this.deny = rules.stream().filter(r -> r.kind() == Rule.Kind.DENY).toList();
        this.require = rules.stream().filter(r -> r.kind() == Rule.Kind.REQUIRE).toList();
        this.allow = rules.stream().filter(r -> r.kind() == Rule.Kind.ALLOW).toList();
    }

    public boolean hasRules() {
        return !deny.isEmpty() || !require.isEmpty() || !allow.isEmpty();
    }

    /** @return true when the request may proceed */
    public boolean authorize(CelVariableResolver variables) {
        if (!hasRules()) {
            return true;
        }
        for (Rule rule : deny) {
            Boolean v = evaluate(rule, variables);
            if (v == null || v) {
                return false;
            }
        }
        for (Rule rule : require) {
            Boolean v = evaluate(rule, variables);
            if (v == null || !v) {
                return false;
            }
        }
        boolean allowed = allow.isEmpty();
        for (Rule rule : allow) {
            Boolean v = evaluate(rule, variables);
            if (v == null) {
                return false;
            }
            allowed |= v;
        }
        return allowed;
    }

    /** @return the rule's value, or {@code null} when it could not be evaluated to a bool */
    private Boolean evaluate(Rule rule, CelVariableResolver variables) {
        try {
            Object result = rule.program().eval(variables);
            if (result instanceof Boolean b) {
                return b;
            }
            LOG.warnf("route %s: %s rule #%d (%s) returned %s, not a bool; denying",
                    routeName, rule.kind().key(), rule.index(), rule.source(), result == null ? "null" : result.getClass().getSimpleName());
            return null;
        } catch (CelEvaluationException | RuntimeException e) {
            LOG.warnf("route %s: %s rule #%d (%s) failed to evaluate: %s; denying",
                    routeName, rule.kind().key(), rule.index(), rule.source(), firstLine(e.getMessage()));
            return null;
        }
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }
}
