package dev.edgeproxy.ratelimit;

import java.util.function.LongSupplier;

/**
 * A token bucket: {@code capacity} tokens, full at the start, {@code perFill} put back at the end of every
 * {@code interval} (never above the capacity). Each admitted request takes one. Thread-safe: event loops share
 * a route's bucket; the critical section is a few arithmetic operations.
 */
final class TokenBucket {

    private final long capacity;
    private final long perFill;
    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private long tokens;
    private long lastFill;

    /**
     * @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime} in production)
     */
    TokenBucket(long capacity, long perFill, long intervalNanos, LongSupplier nanoClock) {
        this.capacity = capacity;
        this.perFill = perFill;
        this.intervalNanos = intervalNanos;
        this.nanoClock = nanoClock;
        this.tokens = capacity;
        this.lastFill = nanoClock.getAsLong();
    }

    /** Takes a token: {@code 0} when one was taken, else the nanoseconds until the next fill. */
    synchronized long take() {
        long now = nanoClock.getAsLong();
        fill(now);
        if (tokens > 0) {
            tokens--;
            return 0;
        }
        return lastFill + intervalNanos - now;
    }

    /** As {@link #take}, without taking one. */
    synchronized long peek() {
        long now = nanoClock.getAsLong();
        fill(now);
        return tokens > 0 ? 0 : lastFill + intervalNanos - now;
    }

    private void fill(long now) {
        long fills = (now - lastFill) / intervalNanos;
        if (fills > 0) {
            // Enough fills to top the bucket up are as good as any more (and cannot overflow).
            long added = Math.min(fills, capacity) * perFill;
            tokens = Math.min(capacity, tokens + added);
            lastFill += fills * intervalNanos;
        }
    }
}
