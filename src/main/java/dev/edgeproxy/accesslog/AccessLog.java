package dev.edgeproxy.accesslog;

import dev.edgeproxy.config.InvalidConfigException;
import io.vertx.core.json.JsonObject;
import org.jboss.logging.Logger;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One line per request, written where {@code gateway.accessLog.output} says:
 * <ul>
 * <li>{@code stdout} (the default): to the process's standard output by the proxy's own
 *     {@link AccessLogWriter}, in batches and off the event loops, each line starting with the time the
 *     response ended ({@code time=2026-12-07T15:30:22.980Z} in plain lines, a {@code time} member in JSON);
 * <li>{@code logger}: at INFO on the logger category {@value #CATEGORY}, one synchronous log record per line,
 *     so that operators can send it anywhere Quarkus logging can
 *     ({@code quarkus.log.category."edgeproxy.access".handlers}), with that handler's prefix.
 * </ul>
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

    public enum Output {
        STDOUT, LOGGER
    }

    private final boolean enabled;
    private final Format format;
    private final Output output;
    /** Made with the log, started by its first line: a log compiled only to be checked starts no thread. */
    private final AccessLogWriter writer;

    private AccessLog(boolean enabled, Format format, Output output, OutputStream stdout) {
        this.enabled = enabled;
        this.format = format;
        this.output = output;
        this.writer = output == Output.STDOUT
                ? new AccessLogWriter(stdout, p -> line(p.entry(), p.endedAtMillis()), AccessLogWriter.INTERVAL)
                : null;
    }

    /**
     * @param format {@code plain} or {@code json}, as configured in {@code gateway.accessLog.format}
     * @param output {@code stdout} or {@code logger}, as configured in {@code gateway.accessLog.output}
     * @throws InvalidConfigException for any other format or output, naming both when both are wrong
     */
    public static AccessLog create(boolean enabled, String format, String output) {
        return create(enabled, format, output, new FileOutputStream(FileDescriptor.out));
    }

    static AccessLog create(boolean enabled, String format, String output, OutputStream stdout) {
        List<String> problems = new ArrayList<>();
        Format f = switch (format.strip().toLowerCase(Locale.ROOT)) {
            case "plain" -> Format.PLAIN;
            case "json" -> Format.JSON;
            default -> {
                problems.add("gateway.accessLog.format: unknown format '" + format + "' (expected plain or json)");
                yield null;
            }
        };
        Output o = switch (output.strip().toLowerCase(Locale.ROOT)) {
            case "stdout" -> Output.STDOUT;
            case "logger" -> Output.LOGGER;
            default -> {
                problems.add("gateway.accessLog.output: unknown output '" + output + "' (expected stdout or logger)");
                yield null;
            }
        };
        if (!problems.isEmpty()) {
            throw new InvalidConfigException(problems);
        }
        return new AccessLog(enabled, f, o, stdout);
    }

    public Format format() {
        return format;
    }

    public Output output() {
        return output;
    }

    /** Whether {@link #write} would write anything: lets the caller skip building the entry. */
    public boolean enabled() {
        return enabled && (output == Output.STDOUT || LOG.isInfoEnabled());
    }

    /** Writes (or, to standard output, queues) the line of a request whose response has just ended. */
    public void write(AccessLogEntry entry) {
        if (!enabled()) {
            return;
        }
        if (output == Output.STDOUT) {
            writer.offer(System.currentTimeMillis(), entry);
        } else {
            LOG.info(line(entry));
        }
    }

    /** Stops writing to standard output, with what is queued written out (tests; a stopping process does it). */
    void close() {
        if (writer != null) {
            writer.close();
        }
    }

    /** The line for {@code entry} in this log's format, without a time (a log handler adds its own). */
    public String line(AccessLogEntry entry) {
        return line(entry, NO_TIME);
    }

    private static final long NO_TIME = Long.MIN_VALUE;

    /** The line for {@code entry}, starting with the time it ended unless that is {@link #NO_TIME}. */
    String line(AccessLogEntry entry, long endedAtMillis) {
        String time = endedAtMillis == NO_TIME ? null : LogTime.format(endedAtMillis);
        return format == Format.JSON ? json(entry, time) : plain(entry, time);
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
