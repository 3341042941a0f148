package dev.edgeproxy.accesslog;

import dev.edgeproxy.config.InvalidConfigException;
import io.vertx.core.json.JsonObject;
import org.jboss.logging.Logger;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;

/**
 * One line per request, at INFO on the logger category {@value #CATEGORY}, so that operators can send
 * it where they want ({@code quarkus.log.category."edgeproxy.access".handlers}).
 *
 * <p>Plain lines are {@code key=value} pairs (logfmt), a value in double quotes when it holds a space,
 * quote, {@code =} or control character:
 * <pre>route=strict method=GET path=/strict/x status=200 duration_ms=3.412 upstream_ms=2.107 jwt.sub=alice client=10.0.0.7</pre>
 * JSON lines are one object with the same keys; an absent value is {@code -} in plain and {@code null}
 * in JSON.
 */
public final class AccessLog {

    public static final String CATEGORY = "edgeproxy.access";
    private static final Logger LOG = Logger.getLogger(CATEGORY);

    public enum Format {
        PLAIN, JSON
    }

    private final boolean enabled;
    private final Format format;

    private AccessLog(boolean enabled, Format format) {
        this.enabled = enabled;
        this.format = format;
    }

    /**
     * @param format {@code plain} or {@code json}, as configured in {@code gateway.accessLog.format}
     * @throws InvalidConfigException for any other format
     */
    public static AccessLog create(boolean enabled, String format) {
        return switch (format.strip().toLowerCase(Locale.ROOT)) {
            case "plain" -> new AccessLog(enabled, Format.PLAIN);
            case "json" -> new AccessLog(enabled, Format.JSON);
            default -> throw new InvalidConfigException(List.of(
                    "gateway.accessLog.format: unknown format '" + format + "' (expected plain or json)"));
        };
    }

    public Format format() {
        return format;
    }

    /** Whether {@link #write} would write anything: lets the caller skip building the entry. */
    public boolean enabled() {
        return enabled && LOG.isInfoEnabled();
    }

    public void write(AccessLogEntry entry) {
        if (enabled()) {
            LOG.info(line(entry));
        }
    }

    /** The line for {@code entry} in this log's format. */
    public String line(AccessLogEntry entry) {
        return format == Format.JSON ? json(entry) : plain(entry);
    }

    static String plain(AccessLogEntry e) {
        StringBuilder line = new StringBuilder(160);
        field(line, "route", e.route());
        field(line, "method", e.method());
        field(line, "path", e.path());
        field(line, "status", Integer.toString(e.status()));
        field(line, "duration_ms", millis(e.durationNanos()).toPlainString());
        field(line, "upstream_ms", e.forwarded() ? millis(e.originNanos()).toPlainString() : null);
        field(line, "jwt.sub", e.subject());
        field(line, "client", e.client());
        return line.toString();
    }

    static String json(AccessLogEntry e) {
        return new JsonObject()
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
