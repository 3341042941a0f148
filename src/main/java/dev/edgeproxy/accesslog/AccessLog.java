package dev.edgeproxy.accesslog;

import dev.edgeproxy.config.InvalidConfigException;
import org.jboss.logging.Logger;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
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
 * <p>What a line says, in either format, is {@link AccessLine}'s.
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
        Format f = choice(Format.values(), "format", format, problems);
        Output o = choice(Output.values(), "output", output, problems);
        if (!problems.isEmpty()) {
            throw new InvalidConfigException(problems);
        }
        return new AccessLog(enabled, f, o, stdout);
    }

    /** The one of {@code constants} that {@code value} names (any case), or {@code null} with a problem noted. */
    private static <E extends Enum<E>> E choice(E[] constants, String field, String value, List<String> problems) {
        String wanted = value.strip().toUpperCase(Locale.ROOT);
        for (E constant : constants) {
            if (constant.name().equals(wanted)) {
                return constant;
            }
        }
        problems.add("gateway.accessLog." + field + ": unknown " + field + " '" + value + "' (expected "
                + String.join(" or ", Arrays.stream(constants)
                        .map(c -> c.name().toLowerCase(Locale.ROOT)).toList()) + ")");
        return null;
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
        return format == Format.JSON ? AccessLine.json(entry, time) : AccessLine.plain(entry, time);
    }
}
