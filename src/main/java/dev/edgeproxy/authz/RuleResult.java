package dev.edgeproxy.authz;

/**
 * What one rule gave for one request: a bool, or the reason it could not be evaluated to one.
 *
 * @param value {@code null} exactly when {@code error} is set
 * @param error the first line of the evaluation error, or why the result is not a bool; {@code null}
 *              when the rule evaluated cleanly
 */
public record RuleResult(Rule rule, Boolean value, String error) {

    static RuleResult of(Rule rule, boolean value) {
        return new RuleResult(rule, value, null);
    }

    static RuleResult failed(Rule rule, String error) {
        return new RuleResult(rule, null, error);
    }

    public boolean isError() {
        return error != null;
    }

    /** True only for a rule that evaluated cleanly to {@code true}. */
    public boolean isTrue() {
        return Boolean.TRUE.equals(value);
    }
}
