package dev.edgeproxy.authz;

import dev.edgeproxy.cel.Condition;

/**
 * One compiled authorization rule.
 *
 * @param index  position in the route's {@code rules} list, for logs
 * @param source the expression as written, for logs and explanations
 */
public record Rule(Kind kind, int index, String source, Condition condition) {

    public enum Kind {
        ALLOW, DENY, REQUIRE;

        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
