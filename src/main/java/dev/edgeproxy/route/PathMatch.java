package dev.edgeproxy.route;

import com.google.re2j.Pattern;

/** How a route match looks at the path; one of exact, segment-aware prefix, or full-match regex. */
public sealed interface PathMatch {

    boolean matches(String path);

    /** Rank for precedence: exact beats prefix beats regex. */
    int rank();

    /** Secondary precedence within the same kind: a longer prefix is more specific. */
    default int length() {
        return 0;
    }

    record Exact(String value) implements PathMatch {
        @Override
        public boolean matches(String path) {
            return value.equals(path);
        }

        @Override
        public int rank() {
            return 3;
        }
    }

    /** {@code /api} matches {@code /api} and {@code /api/x} but not {@code /apix}. */
    record Prefix(String value) implements PathMatch {
        @Override
        public boolean matches(String path) {
            if (!path.startsWith(value)) {
                return false;
            }
            return value.endsWith("/") || path.length() == value.length() || path.charAt(value.length()) == '/';
        }

        @Override
        public int rank() {
            return 2;
        }

        @Override
        public int length() {
            return value.length();
        }
    }

    /** An RE2 pattern (linear time in the input, whatever the pattern), matched against the whole path. */
    record Regex(Pattern pattern) implements PathMatch {
        @Override
        public boolean matches(String path) {
            return pattern.matches(path);
        }

        @Override
        public int rank() {
            return 1;
        }
    }
}
