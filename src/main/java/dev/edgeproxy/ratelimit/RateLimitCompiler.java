package dev.edgeproxy.ratelimit;

import dev.edgeproxy.config.Durations;
import dev.edgeproxy.config.GatewayConfig;
import dev.edgeproxy.config.ProblemSink;

import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;

/** Compiles a route's {@code policies.localRateLimit} into its {@link LocalRateLimit}. */
public final class RateLimitCompiler {

    /** Large enough for any real bucket, small enough that no arithmetic on tokens can overflow. */
    static final long MAX_TOKENS = 1_000_000_000L;
    static final Duration MAX_INTERVAL = Duration.ofHours(24);

    private final LongSupplier nanoClock;

    public RateLimitCompiler() {
        this(System::nanoTime);
    }

    RateLimitCompiler(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /**
     * The route's rate limit, or {@code null} when the configuration is invalid.
     *
     * @param problems scoped to the route's {@code policies.localRateLimit}: fields are reported as
     *                 {@code fillInterval}
     */
    public LocalRateLimit compile(GatewayConfig.LocalRateLimit config, ProblemSink problems) {
        long max = count(problems, "maxTokens", config.maxTokens(), null);
        long perFill = count(problems, "tokensPerFill", config.tokensPerFill(), 1L);
        Duration interval = null;
        if (config.fillInterval().isEmpty()) {
            problems.at("fillInterval", "is required (a duration such as 1s or 100ms)");
        } else {
            interval = Durations.field(problems, "fillInterval", config.fillInterval().get(), null);
            if (interval != null && (interval.isZero() || interval.isNegative() || interval.compareTo(MAX_INTERVAL) > 0)) {
                problems.at("fillInterval", "must be greater than zero and at most 24h");
                interval = null;
            }
        }
        if (max < 0 || perFill < 0 || interval == null) {
            return null;
        }
        return new LocalRateLimit(new TokenBucket(max, perFill, interval.toNanos(), nanoClock));
    }

    /** A positive count, or -1 after reporting why not. */
    private static long count(ProblemSink problems, String field, Optional<Long> value, Long fallback) {
        if (value.isEmpty()) {
            if (fallback == null) {
                problems.at(field, "is required (a whole number of requests, at least 1)");
                return -1;
            }
            return fallback;
        }
        long v = value.get();
        if (v < 1 || v > MAX_TOKENS) {
            problems.at(field, "must be between 1 and " + MAX_TOKENS + ", got " + v);
            return -1;
        }
        return v;
    }
}
