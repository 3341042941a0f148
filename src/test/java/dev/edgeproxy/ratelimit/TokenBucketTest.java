package dev.edgeproxy.ratelimit;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The bucket on a clock the test moves: no sleeping, exact boundaries. */
class TokenBucketTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final AtomicLong now = new AtomicLong(1_000 * SECOND);

    private TokenBucket bucket(long capacity, long perFill, long interval) {
        return new TokenBucket(capacity, perFill, interval, now::get);
    }

    @Test
    void startsFullAndAdmitsABurstOfItsCapacity() {
        TokenBucket b = bucket(3, 1, SECOND);
        assertEquals(0, b.take());
        assertEquals(0, b.take());
        assertEquals(0, b.take());
        assertEquals(SECOND, b.take(), "empty: the next token comes at the end of the interval");
    }

    @Test
    void refillsAtTheEndOfEachIntervalOnly() {
        TokenBucket b = bucket(2, 1, SECOND);
        b.take();
        b.take();
        now.addAndGet(SECOND - 1);
        assertEquals(1, b.take(), "one nanosecond early is still empty");
        now.addAndGet(1);
        assertEquals(0, b.take());
        assertEquals(SECOND, b.take());
    }

    @Test
    void fillsSeveralTokensPerIntervalButNeverAboveTheCapacity() {
        TokenBucket b = bucket(5, 2, SECOND);
        for (int i = 0; i < 5; i++) {
            b.take();
        }
        now.addAndGet(SECOND);
        assertEquals(0, b.take());
        assertEquals(0, b.take());
        assertEquals(SECOND, b.take());
        now.addAndGet(10 * SECOND);
        for (int i = 0; i < 5; i++) {
            assertEquals(0, b.take(), "token " + i);
        }
        assertEquals(SECOND, b.take(), "capped at five");
    }

    @Test
    void aLongIdleTimeNeitherOverflowsNorShiftsTheIntervals() {
        TokenBucket b = bucket(1_000_000_000L, 1_000_000_000L, SECOND);
        b.take();
        now.addAndGet(Long.MAX_VALUE / 4);
        assertEquals(0, b.take());
        TokenBucket one = bucket(1, 1, SECOND);
        one.take();
        now.addAndGet(5 * SECOND + SECOND / 2);
        assertEquals(0, one.take());
        assertEquals(SECOND / 2, one.take(), "fills stay on the interval grid");
    }

    @Test
    void peekTellsWithoutSpending() {
        TokenBucket b = bucket(1, 1, SECOND);
        assertEquals(0, b.peek());
        assertEquals(0, b.peek());
        assertEquals(0, b.take());
        assertEquals(SECOND, b.peek());
        assertEquals(SECOND, b.take());
    }
}
