package dev.edgeproxy.logging;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link LogThrottle} on a hand-moved clock: which attempts may log, and what they report as dropped. */
class LogThrottleTest {

    private final AtomicLong nanos = new AtomicLong(123_456_789L);

    private LogThrottle throttle(Duration interval) {
        return new LogThrottle(interval, nanos::get);
    }

    private void at(long millis, long start) {
        nanos.set(start + Duration.ofMillis(millis).toNanos());
    }

    /** Attempts at these times (ms from the first) with a 10 s interval; -1 = dropped, else the count reported. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            first attempt logs                     | 0                              | 0
            within the interval all are dropped    | 0, 1, 2, 9999                  | 0, -1, -1, -1
            after the interval the count comes     | 0, 1, 2, 9999, 10000           | 0, -1, -1, -1, 3
            the interval restarts at the new line  | 0, 10000, 15000, 19999, 20000  | 0, 0, -1, -1, 2
            a long quiet time reports nothing      | 0, 500, 3600000                | 0, -1, 1
            """)
    void oneLinePerInterval(String name, String times, String expected) {
        long start = nanos.get();
        LogThrottle t = throttle(Duration.ofSeconds(10));
        String[] at = times.split(",");
        String[] want = expected.split(",");
        for (int i = 0; i < at.length; i++) {
            at(Long.parseLong(at[i].strip()), start);
            assertEquals(Long.parseLong(want[i].strip()), t.acquire(), "attempt " + i + " at " + at[i].strip() + " ms");
        }
    }

    @Test
    void throttlesAreIndependent() {
        LogThrottle rule1 = throttle(Duration.ofSeconds(10));
        LogThrottle rule2 = throttle(Duration.ofSeconds(10));
        assertEquals(0, rule1.acquire());
        assertEquals(-1, rule1.acquire());
        // Another rule's first error is never hidden by the first rule's flood.
        assertEquals(0, rule2.acquire());
    }

    @Test
    void zeroIntervalLogsEverything() {
        LogThrottle t = throttle(Duration.ZERO);
        for (int i = 0; i < 5; i++) {
            assertEquals(0, t.acquire());
        }
    }

    @Test
    void suffixMentionsTheDroppedLines() {
        LogThrottle t = throttle(Duration.ofSeconds(10));
        assertEquals("", t.suffix(0));
        assertEquals(" (7 more like it suppressed since the previous line)", t.suffix(7));
    }
}
