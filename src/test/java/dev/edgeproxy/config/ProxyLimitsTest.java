package dev.edgeproxy.config;

import dev.edgeproxy.compile.RouteCompiler;
import dev.edgeproxy.testing.Configs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code gateway.limits}: the defaults, overrides, and a clear error naming the field for bad values. */
class ProxyLimitsTest {

    private static ProxyLimits limits(String yaml) {
        return ProxyLimits.from(Configs.bind("gateway:\n  limits:\n" + yaml).limits());
    }

    @Test
    void defaults() {
        assertEquals(ProxyLimits.DEFAULTS, ProxyLimits.from(Configs.bind("gateway: {}").limits()));
        assertEquals(new ProxyLimits(Duration.ofSeconds(10), Duration.ofSeconds(5), 256, 1024, 1_048_576,
                Duration.ofSeconds(10)), ProxyLimits.DEFAULTS);
    }

    @Test
    void overrides() {
        ProxyLimits l = limits("""
                    requestHeadTimeout: 2500ms
                    upstreamConnectTimeout: 1s
                    upstreamMaxConnections: 8
                    upstreamMaxWaitQueue: 0
                    jwksMaxBytes: 65536
                    errorLogInterval: 1m
                """);
        assertEquals(new ProxyLimits(Duration.ofMillis(2500), Duration.ofSeconds(1), 8, 0, 65536, Duration.ofMinutes(1)), l);
    }

    @Test
    void zeroTurnsTheHeadDeadlineAndTheLogThrottleOff() {
        ProxyLimits l = limits("    requestHeadTimeout: 0s\n    errorLogInterval: 0s\n");
        assertTrue(l.requestHeadTimeout().isZero());
        assertTrue(l.errorLogInterval().isZero());
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            requestHeadTimeout     | soon  | is not a duration
            requestHeadTimeout     | -1s   | is not a duration
            upstreamConnectTimeout | 0s    | must be greater than zero
            upstreamMaxConnections | 0     | must be at least 1, not 0
            upstreamMaxWaitQueue   | -1    | must be at least 0, not -1
            jwksMaxBytes           | 0     | must be at least 1, not 0
            errorLogInterval       | often | is not a duration
            """)
    void badValueNamesTheField(String field, String value, String message) {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> limits("    " + field + ": " + value + "\n"));
        assertEquals(1, e.errors().size(), e.getMessage());
        String error = e.errors().get(0);
        assertTrue(error.startsWith("gateway: limits." + field + ": "), error);
        assertTrue(error.contains(message), error);
    }

    @Test
    void routeCompilationReportsBadLimits() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> RouteCompiler.compile(
                Configs.bind("gateway:\n  limits:\n    errorLogInterval: never\n"), new dev.edgeproxy.cel.CelEnvironment()));
        assertTrue(e.getMessage().contains("gateway: limits.errorLogInterval: 'never' is not a duration"), e.getMessage());
    }
}
