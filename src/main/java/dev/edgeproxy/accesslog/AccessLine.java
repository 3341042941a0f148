package dev.edgeproxy.accesslog;

import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;

/**
 * The text of one access log line. Plain lines are {@code key=value} pairs (logfmt), a value in double quotes
 * when it holds a space, quote, {@code =} or control character:
 * <pre>route=strict method=GET path=/strict/x status=200 duration_ms=3.412 upstream_ms=2.107 jwt.sub=alice client=10.0.0.7</pre>
 * JSON lines are one object with the same keys; an absent value is {@code -} in plain and {@code null} in JSON.
 * A line written by the proxy itself starts with its time ({@code time=...}, or a first {@code time} member).
 */
final class AccessLine {

    private AccessLine() {
    }

    static String plain(AccessLogEntry e, String time) {
        StringBuilder line = new StringBuilder(190);
        if (time != null) {
            field(line, "time", time);
        }
        field(line, "route", e.route());
        field(line, "method", e.method());
        field(line, "path", e.path());
        field(line, "status", Integer.toString(e.status()));
        line.append(" duration_ms=");
        appendMillis(line, e.durationNanos());
        line.append(" upstream_ms=");
        if (e.forwarded()) {
            appendMillis(line, e.originNanos());
        } else {
            line.append('-');
        }
        field(line, "jwt.sub", e.subject());
        field(line, "client", e.client());
        return line.toString();
    }

    static String json(AccessLogEntry e, String time) {
        JsonObject line = new JsonObject();
        if (time != null) {
            line.put("time", time);
        }
        return line
                .put("route", e.route())
                .put("method", e.method())
                .put("path", e.path())
                .put("status", e.status())
                .put("duration_ms", millis(e.durationNanos()))
                .put("upstream_ms", e.forwarded() ? millis(e.originNanos()) : null)
                .put("jwt.sub", e.subject())
                .put("client", e.client())
                .encode();
    }

    /** Milliseconds with three decimals, as {@link #millis} writes them, without making a number object. */
    static void appendMillis(StringBuilder line, long nanos) {
        long micros = Math.round(nanos / 1_000.0);
        if (micros < 0) {
            line.append('-');
            micros = -micros;
        }
        long fraction = micros % 1_000;
        line.append(micros / 1_000).append('.');
        if (fraction < 100) {
            line.append('0');
        }
        if (fraction < 10) {
            line.append('0');
        }
        line.append(fraction);
    }

    /** Milliseconds with three decimals, never in exponent notation. */
    static BigDecimal millis(long nanos) {
        return BigDecimal.valueOf(Math.round(nanos / 1_000.0), 3);
    }

    private static void field(StringBuilder line, String key, String value) {
        if (!line.isEmpty()) {
            line.append(' ');
        }
        line.append(key).append('=');
        if (value == null) {
            line.append('-');
        } else if (needsQuotes(value)) {
            quote(line, value);
        } else {
            line.append(value);
        }
    }

    private static boolean needsQuotes(String value) {
        if (value.isEmpty() || value.equals("-")) {
            return true;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c == 0x7f) {
                return true;
            }
        }
        return false;
    }

    private static void quote(StringBuilder line, String value) {
        line.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> line.append("\\\"");
                case '\\' -> line.append("\\\\");
                case '\n' -> line.append("\\n");
                case '\r' -> line.append("\\r");
                case '\t' -> line.append("\\t");
                default -> {
                    if (c < ' ' || c == 0x7f) {
                        line.append(String.format("\\u%04x", (int) c));
                    } else {
                        line.append(c);
                    }
                }
            }
        }
        line.append('"');
    }
}
