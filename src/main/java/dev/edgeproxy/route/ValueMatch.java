package dev.edgeproxy.route;

import com.google.re2j.Pattern;

/**
 * A header or query parameter condition: the named value must exist and match, exactly or as a whole
 * against an RE2 pattern (linear time in the input, whatever the pattern).
 */
public record ValueMatch(String name, String exact, Pattern regex) {

    public static ValueMatch exact(String name, String value) {
        return new ValueMatch(name, value, null);
    }

    public static ValueMatch regex(String name, Pattern pattern) {
        return new ValueMatch(name, null, pattern);
    }

    boolean test(String actual) {
        if (actual == null) {
            return false;
        }
        return exact != null ? exact.equals(actual) : regex.matches(actual);
    }
}
