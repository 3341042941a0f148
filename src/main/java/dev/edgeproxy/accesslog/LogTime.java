package dev.edgeproxy.accesslog;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The time of an access log line: UTC, ISO 8601, always with milliseconds ({@code 2026-12-07T15:30:22.980Z}),
 * so that lines sort as text. Used on the writer thread only; the part up to the second is made once per second.
 */
final class LogTime {

    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss")
            .withZone(ZoneOffset.UTC);
    private static long cachedSecond = Long.MIN_VALUE;
    private static String cachedPrefix;

    private LogTime() {
    }

    static synchronized String format(long epochMillis) {
        long second = Math.floorDiv(epochMillis, 1000);
        if (second != cachedSecond) {
            cachedPrefix = SECONDS.format(Instant.ofEpochSecond(second));
            cachedSecond = second;
        }
        int millis = (int) Math.floorMod(epochMillis, 1000);
        StringBuilder time = new StringBuilder(24).append(cachedPrefix).append('.');
        if (millis < 100) {
            time.append('0');
        }
        if (millis < 10) {
            time.append('0');
        }
        return time.append(millis).append('Z').toString();
    }
}
