package dev.edgeproxy.authz;

import java.util.List;

/**
 * A decision together with every rule's result, in configuration order. The decision is the one
 * {@link Authorizer#authorize} reaches; rules it did not need are evaluated for the explanation only.
 */
public record Explanation(Decision decision, List<RuleResult> rules) {

    public Explanation {
        rules = List.copyOf(rules);
    }
}
