package dev.edgeproxy.authz;

/**
 * The outcome of a route's rules for one request, with the step of docs/reference.md#authorization that reached it.
 *
 * @param rule the rule that decided it (a true {@code deny}, a {@code require} that was not true, the
 *             first true {@code allow}, or any rule that failed to evaluate); {@code null} for steps 1
 *             and 5, which no single rule decides
 */
public record Decision(boolean allowed, Step step, RuleResult rule) {

    /** The decision order of docs/reference.md#authorization, numbered as there. */
    public enum Step {
        NO_RULES(1, "no rules: allow"),
        DENY(2, "any deny rule true (or failing): deny"),
        REQUIRE(3, "any require rule not true: deny"),
        ALLOW(4, "any allow rule true: allow (one failing: deny)"),
        OTHERWISE(5, "otherwise: deny if the route has an allow rule, else allow");

        private final int number;
        private final String description;

        Step(int number, String description) {
            this.number = number;
            this.description = description;
        }

        public int number() {
            return number;
        }

        public String description() {
            return description;
        }
    }
}
