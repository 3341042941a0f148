package dev.edgeproxy.proxy;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * How long a WebSocket tunnel may last whatever its traffic (docs/reference.md#websocket): at most the route's
 * {@code websocketMaxLifetime} after the upgrade, and never past the {@code exp} of the token that authenticated
 * the upgrade. A plain request is authenticated once and over in seconds; a tunnel is not, so without this a
 * token revoked by expiry would keep a session open for as long as its frames keep coming.
 *
 * @param maxLifetime    the configured cap, from the upgrade; {@code null} for none
 * @param tokenExpiresAt the verified token's {@code exp}; {@code null} when no token was verified or it had none
 */
public record TunnelLifetime(Duration maxLifetime, Instant tokenExpiresAt) {

    /** No configured cap and no token: the tunnel lasts until a close or its idle timeout. */
    public static final TunnelLifetime UNBOUNDED = new TunnelLifetime(null, null);

    /** Close reasons (sent in the close frame: short, and never the token). */
    static final String LIFETIME_EXCEEDED = "lifetime exceeded";
    static final String TOKEN_EXPIRED = "token expired";

    public TunnelLifetime {
        if (maxLifetime != null && (maxLifetime.isZero() || maxLifetime.isNegative())) {
            throw new IllegalArgumentException("max lifetime must be greater than zero");
        }
    }

    /**
     * The lifetime of a tunnel opened for a request with these verified claims.
     *
     * @param claims as verification produced them ({@code exp} a {@link Number} of seconds since the epoch);
     *               empty when the request was anonymous
     */
    public static TunnelLifetime of(Duration maxLifetime, Map<String, Object> claims) {
        // Verification refuses a token whose exp is not a number, so anything else here means "no exp".
        Instant exp = claims.get("exp") instanceof Number n ? Instant.ofEpochSecond(n.longValue()) : null;
        return new TunnelLifetime(maxLifetime, exp);
    }

    /** When the tunnel must be closed, and why. */
    public record Deadline(Instant at, String reason) {
    }

    /**
     * The earliest of the two bounds, for a tunnel upgraded at {@code upgradedAt}; {@code null} when there is
     * neither. On a tie the token wins: it is the reason that tells the client to fetch a new one.
     */
    public Deadline deadline(Instant upgradedAt) {
        Instant capped = maxLifetime == null ? null : plus(upgradedAt, maxLifetime);
        if (tokenExpiresAt != null && (capped == null || !tokenExpiresAt.isAfter(capped))) {
            return new Deadline(tokenExpiresAt, TOKEN_EXPIRED);
        }
        return capped == null ? null : new Deadline(capped, LIFETIME_EXCEEDED);
    }

    /**
     * The delay of a timer for {@code deadline}, seen at {@code now}: whole milliseconds rounded up (a timer must
     * not fire before the deadline), {@code 0} when it has passed, saturated rather than overflowing for a cap
     * of centuries.
     */
    public static long millisUntil(Instant deadline, Instant now) {
        if (!deadline.isAfter(now)) {
            return 0;
        }
        Duration left = Duration.between(now, deadline);
        if (left.getSeconds() >= Long.MAX_VALUE / 1000 - 1) {
            return Long.MAX_VALUE / 2;
        }
        return left.getSeconds() * 1000 + (left.getNano() + 999_999) / 1_000_000;
    }

    /** {@code at + d}, or the latest instant there is when that would not fit: "never", in effect. */
    private static Instant plus(Instant at, Duration d) {
        try {
            return at.plus(d);
        } catch (java.time.DateTimeException | ArithmeticException e) {
            return Instant.MAX;
        }
    }
}
