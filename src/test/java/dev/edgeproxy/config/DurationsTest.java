package dev.edgeproxy.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DurationsTest {

    static Stream<Arguments> valid() {
        return Stream.of(
                Arguments.of("15s", Duration.ofSeconds(15)),
                Arguments.of("500ms", Duration.ofMillis(500)),
                Arguments.of("2m", Duration.ofMinutes(2)),
                Arguments.of("1h", Duration.ofHours(1)),
                Arguments.of("0s", Duration.ZERO),
                Arguments.of("PT15S", Duration.ofSeconds(15)),
                Arguments.of("pt15s", Duration.ofSeconds(15)),
                Arguments.of("PT1M30S", Duration.ofSeconds(90)),
                Arguments.of("PT0.5S", Duration.ofMillis(500)),
                Arguments.of(" 15s ", Duration.ofSeconds(15)),
                Arguments.of("15S", Duration.ofSeconds(15)),
                Arguments.of("1500MS", Duration.ofMillis(1500)));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("valid")
    void parses(String text, Duration expected) {
        assertEquals(expected, Durations.parse(text));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", " ", "15", "s", "ms", "15 s", "1.5s", "-5s", "5sec", "1d", "15seconds", "abc", "PT", "P1X",
        "15s30s"})
    void rejects(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(text),
                () -> "'" + text + "' should not be a duration");
        assertTrue(e.getMessage().contains("'" + text + "'"), e::getMessage);
        assertTrue(e.getMessage().contains("is not a duration"), e::getMessage);
    }

    @Test
    void overflowIsRejectedAsAnIllegalArgument() {
        // RouteCompiler turns only IllegalArgumentException into a "route 'X': field: ..." error.
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("9223372036854775807h"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("99999999999999999999s"));
    }
}
