package dev.edgeproxy.logging;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Lets one log line through per interval and counts the ones it holds back, so that a user agent who
 * can make a rule fail on every request cannot flood the log. Keep one per thing that can fail (a
 * route's rule, a route's header edit): a failing rule never hides another rule's first error.
 *
 * <p>Lock-free and cheap when it refuses (one volatile read and one increment), which is the case that
 * matters under a flood.
 */
public final class LogThrottle {

    private final long intervalNanos;
    private final LongSupplier clock;
    /** When the next line may be written ({@link #clock} time); {@code Long.MIN_VALUE}: at once. */
    private final AtomicLong nextAllowed = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressed = new AtomicLong();

    public LogThrottle(Duration interval) {
        this(interval, System::nanoTime);
    }

    /** @param clock nanoseconds, monotonic (tests pass a hand-moved clock) */
    public LogThrottle(Duration interval, LongSupplier clock) {
        this.intervalNanos = interval.toNanos();
        this.clock = clock;
    }

    /**
     * Asks to write one line now.
     *
     * @return {@code -1} if the line must be dropped (it is counted); otherwise how many lines were
     *         dropped since the last one written, for the caller to mention in this one
     */
    public long acquire() {
        long now = clock.getAsLong();
        long next = nextAllowed.get();
        if ((next == Long.MIN_VALUE || now - next >= 0) && nextAllowed.compareAndSet(next, now + intervalNanos)) {
            return suppressed.getAndSet(0);
        }
        suppressed.incrementAndGet();
        return -1;
    }

    /** The suffix for a line written after {@code dropped} were held back: empty when none were. */
    public String suffix(long dropped) {
        if (dropped <= 0) {
            return "";
        }
        return " (" + dropped + " more like it suppressed since the previous line)";
    }
}
