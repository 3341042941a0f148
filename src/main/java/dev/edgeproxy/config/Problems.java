package dev.edgeproxy.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Every configuration problem found so far, each as {@code route 'NAME': FIELD: message}, in the order
 * found. Compilers report through a {@link #scope scoped sink}, which spells the place and the field
 * prefix once: a route's checks through {@code scope("route 'x'", "")}, a policy's through
 * {@code scope("route 'x'", "policies.jwtAuth")}, the gateway's settings through {@code scope("gateway", "")}.
 */
public final class Problems {

    private final List<String> all = new ArrayList<>();

    /**
     * A sink that records into this list as {@code where: fieldPrefix.field: message}.
     *
     * @param where       the place as it reads in messages: {@code route 'x'}, {@code gateway}
     * @param fieldPrefix the path of the scope's configuration ({@code policies.jwtAuth}); may be empty
     */
    public ProblemSink scope(String where, String fieldPrefix) {
        return new Scope(where, fieldPrefix);
    }

    /** Problems recorded so far, through every scope. */
    public int count() {
        return all.size();
    }

    public List<String> all() {
        return List.copyOf(all);
    }

    /** {@code prefix.field}, without a dot when either is empty. */
    private static String join(String prefix, String field) {
        if (prefix.isEmpty()) {
            return field;
        }
        return field.isEmpty() ? prefix : prefix + "." + field;
    }

    /** One scope's view of the list: it counts only what was reported through it. */
    private final class Scope implements ProblemSink {

        private final String where;
        private final String prefix;
        private int count;

        Scope(String where, String prefix) {
            this.where = where;
            this.prefix = prefix;
        }

        @Override
        public void at(String field, String message) {
            all.add(where + ": " + join(prefix, field) + ": " + message);
            count++;
        }

        @Override
        public int count() {
            return count;
        }
    }
}
