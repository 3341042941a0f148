package dev.edgeproxy.proxy;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link TunnelLifetime}: which bound ends a tunnel (configured cap, token exp, none) and the timer's delay. */
class TunnelLifetimeTest {

    private static final Instant UPGRADE = Instant.parse("2026-12-01T10:00:00Z");

    @Test
    void withNeitherBoundThereIsNoDeadline() {
        assertNull(TunnelLifetime.UNBOUNDED.deadline(UPGRADE));
        assertNull(TunnelLifetime.of(null, Map.of()).deadline(UPGRADE));
    }

    @Test
    void theConfiguredLifetimeCountsFromTheUpgrade() {
        assertEquals(new TunnelLifetime.Deadline(UPGRADE.plusSeconds(60), "lifetime exceeded"),
                new TunnelLifetime(Duration.ofMinutes(1), null).deadline(UPGRADE));
    }

    @Test
    void theTokensExpEndsTheTunnelWhenNoLifetimeIsConfigured() {
        long exp = UPGRADE.getEpochSecond() + 3600;
        assertEquals(new TunnelLifetime.Deadline(Instant.ofEpochSecond(exp), "token expired"),
                TunnelLifetime.of(null, Map.of("sub", "alice", "exp", exp)).deadline(UPGRADE));
    }

    @Test
    void theEarlierOfTheTwoWins() {
        long exp = UPGRADE.getEpochSecond() + 120;
        assertEquals(new TunnelLifetime.Deadline(Instant.ofEpochSecond(exp), "token expired"),
                TunnelLifetime.of(Duration.ofMinutes(5), Map.of("exp", exp)).deadline(UPGRADE));
        assertEquals(new TunnelLifetime.Deadline(UPGRADE.plusSeconds(60), "lifetime exceeded"),
                TunnelLifetime.of(Duration.ofMinutes(1), Map.of("exp", exp)).deadline(UPGRADE));
        // A tie: the token's reason, which tells the client what to renew.
        assertEquals("token expired",
                TunnelLifetime.of(Duration.ofMinutes(2), Map.of("exp", exp)).deadline(UPGRADE).reason());
    }

    @Test
    void expIsReadAsAnyNumberAndIgnoredOtherwise() {
        long exp = UPGRADE.getEpochSecond() + 10;
        assertEquals(Instant.ofEpochSecond(exp), TunnelLifetime.of(null, Map.of("exp", (double) exp)).tokenExpiresAt());
        assertNull(TunnelLifetime.of(null, Map.of("exp", "tomorrow")).tokenExpiresAt());
    }

    @Test
    void anExpAlreadyPastIsADeadlineOfNow() {
        TunnelLifetime.Deadline d = TunnelLifetime.of(Duration.ofMinutes(1), Map.of("exp", UPGRADE.getEpochSecond() - 5))
                .deadline(UPGRADE);
        assertEquals("token expired", d.reason());
        assertEquals(0, TunnelLifetime.millisUntil(d.at(), UPGRADE));
    }

    @Test
    void theDelayIsRoundedUpAndSaturates() {
        assertEquals(1000, TunnelLifetime.millisUntil(UPGRADE.plusSeconds(1), UPGRADE));
        assertEquals(1, TunnelLifetime.millisUntil(UPGRADE.plusNanos(1), UPGRADE), "never early");
        assertEquals(0, TunnelLifetime.millisUntil(UPGRADE, UPGRADE));
        assertEquals(Long.MAX_VALUE / 2, TunnelLifetime.millisUntil(Instant.MAX, UPGRADE));
        // A cap of centuries does not overflow: the deadline is "never".
        assertEquals(Instant.MAX, new TunnelLifetime(Duration.ofSeconds(Long.MAX_VALUE), null).deadline(UPGRADE).at());
    }

    @Test
    void aCapMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new TunnelLifetime(Duration.ZERO, null));
        assertThrows(IllegalArgumentException.class, () -> new TunnelLifetime(Duration.ofSeconds(-1), null));
    }
}
