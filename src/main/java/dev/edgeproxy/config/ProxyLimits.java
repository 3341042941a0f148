package dev.edgeproxy.config;

import java.time.Duration;

/**
 * The checked form of {@code gateway.limits} (README, "Limits"): what the proxy's listener, its origin
 * client, its JWKS fetcher and its error log may cost at most.
 *
 * @param requestHeadTimeout     how long a connection may take to deliver a complete request head; zero = off
 * @param upstreamConnectTimeout bound on opening a connection to an origin
 * @param upstreamMaxConnections open connections per origin ({@code host:port})
 * @param upstreamMaxWaitQueue   requests that may wait for a connection to one origin
 * @param jwksMaxBytes           largest JWKS document accepted from a {@code jwks.url}
 * @param errorLogInterval       at most one log line per route and rule in this interval
 */
public record ProxyLimits(Duration requestHeadTimeout, Duration upstreamConnectTimeout, int upstreamMaxConnections,
        int upstreamMaxWaitQueue, int jwksMaxBytes, Duration errorLogInterval) {

    /** The defaults, as {@link GatewayConfig.Limits} declares them. */
    public static final ProxyLimits DEFAULTS = new ProxyLimits(Duration.ofSeconds(10), Duration.ofSeconds(5), 256, 1024,
            1024 * 1024, Duration.ofSeconds(10));

    private static final String BASE = "limits.";

    /**
     * @throws InvalidConfigException naming every field at fault ({@code gateway: limits.<field>: ...})
     */
    public static ProxyLimits from(GatewayConfig.Limits config) {
        Problems found = new Problems();
        ProblemSink problems = found.scope("gateway", "");
        Duration head = duration(problems, "requestHeadTimeout", config.requestHeadTimeout(), true,
                DEFAULTS.requestHeadTimeout());
        Duration connect = duration(problems, "upstreamConnectTimeout", config.upstreamConnectTimeout(), false,
                DEFAULTS.upstreamConnectTimeout());
        Duration logInterval = duration(problems, "errorLogInterval", config.errorLogInterval(), true,
                DEFAULTS.errorLogInterval());
        int connections = atLeast(problems, "upstreamMaxConnections", config.upstreamMaxConnections(), 1);
        // Zero is allowed: no request waits, every one beyond the pool gets 503 at once.
        int queue = atLeast(problems, "upstreamMaxWaitQueue", config.upstreamMaxWaitQueue(), 0);
        int jwks = atLeast(problems, "jwksMaxBytes", config.jwksMaxBytes(), 1);
        if (problems.count() > 0) {
            throw new InvalidConfigException(found.all());
        }
        return new ProxyLimits(head, connect, connections, queue, jwks, logInterval);
    }

    private static Duration duration(ProblemSink problems, String field, String text, boolean zeroAllowed, Duration fallback) {
        Duration d = Durations.field(problems, BASE + field, text, fallback);
        if (d.isNegative() || (!zeroAllowed && d.isZero())) {
            problems.at(BASE + field, zeroAllowed ? "must not be negative" : "must be greater than zero");
            return fallback;
        }
        return d;
    }

    private static int atLeast(ProblemSink problems, String field, int value, int min) {
        if (value < min) {
            problems.at(BASE + field, "must be at least " + min + ", not " + value);
        }
        return value;
    }
}
