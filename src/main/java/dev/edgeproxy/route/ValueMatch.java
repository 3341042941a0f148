package dev.edgeproxy.route;

import java.util.regex.Pattern;

/** A header or query parameter condition: the named value must exist and match. */
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
        return exact != null ? exact.equals(actual) : regex.matcher(actual).matches();
    }
}
