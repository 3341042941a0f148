package dev.edgeproxy.proxy;

import java.util.concurrent.atomic.LongAdder;

/**
 * How many forwarded requests hold, or wait for, a pooled origin connection: counted up when a request asks
 * its client for a connection, down exactly once when its exchange is over and the connection is back in the
 * pool (or closed). Every way an exchange ends releases it (response complete, refusal, timeout, user agent
 * gone, origin reset, an exception in a callback), so with no traffic the count is zero; a count that stays up
 * is a connection the pool lost ({@code edgeproxy_upstream_leased}, docs/operations.md).
 */
public final class OriginLeases {

    private final LongAdder leased = new LongAdder();

    void acquire() {
        leased.increment();
    }

    void release() {
        leased.decrement();
    }

    /** Requests holding or waiting for an origin connection now. */
    public long leased() {
        return leased.sum();
    }
}
