package dev.edgeproxy.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the durations users write: {@code 15s}, {@code 500ms}, {@code 2m}, {@code 1h}, or ISO-8601 {@code PT15S}. */
public final class Durations {

    private static final Pattern SIMPLE = Pattern.compile("(\\d+)(ms|s|m|h)");

    private Durations() {
    }

    /** Parses {@code text}, or reports it to {@code problems} against {@code field} and returns {@code fallback}. */
    public static Duration field(ProblemSink problems, String field, String text, Duration fallback) {
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            problems.at(field, e.getMessage());
            return fallback;
        }
    }

    public static Duration parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        Matcher m = SIMPLE.matcher(t);
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofHours(n);
                };
            }
            return Duration.parse(text.strip().toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (examples: 15s, 500ms, 2m)");
        }
    }
}
