package dev.edgeproxy.ratelimit;

import dev.edgeproxy.cel.RequestVariables;
import dev.edgeproxy.error.GatewayError;
import dev.edgeproxy.route.Admission;

import java.time.Duration;

/**
 * A route's {@code policies.localRateLimit}: one token bucket for the route in this process, whoever sends.
 * A request that finds the bucket empty is answered 429 with {@code Retry-After}. A reload starts the buckets
 * full again.
 */
public final class LocalRateLimit implements Admission {

    private final TokenBucket bucket;

    LocalRateLimit(TokenBucket bucket) {
        this.bucket = bucket;
    }

    @Override
    public GatewayError admit(RequestVariables.Source request) {
        return answer(bucket.take());
    }

    @Override
    public GatewayError peek(RequestVariables.Source request) {
        return answer(bucket.peek());
    }

    private static GatewayError answer(long waitNanos) {
        return waitNanos == 0 ? null : new GatewayError.TooManyRequests(Duration.ofNanos(waitNanos));
    }
}
