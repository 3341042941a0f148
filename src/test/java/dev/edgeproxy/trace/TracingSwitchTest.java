package dev.edgeproxy.trace;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** When tracing is on: only with an OTLP endpoint that someone configured, unless they said otherwise. */
class TracingSwitchTest {

    /** A user's configuration file (application.properties has 250, the environment 300, -D 400). */
    private static final int USER = 250;
    /** Where Quarkus keeps the extensions' defaults. */
    private static final int DEFAULTS = Integer.MIN_VALUE;

    static Stream<Arguments> cases() {
        String traces = TracingSwitch.TRACES_ENDPOINT;
        String any = TracingSwitch.ENDPOINT;
        String disabled = TracingSwitch.SDK_DISABLED;
        return Stream.of(
                Arguments.of("nothing configured", Map.of(), Map.of(), "true"),
                Arguments.of("a traces endpoint", Map.of(traces, "http://collector:4317"), Map.of(), null),
                Arguments.of("a general endpoint", Map.of(any, "http://collector:4317"), Map.of(), null),
                Arguments.of("only the default endpoint", Map.of(), Map.of(traces, "http://localhost:4317/",
                        any, "http://localhost:4317/"), "true"),
                Arguments.of("a blank endpoint", Map.of(traces, " "), Map.of(), "true"),
                Arguments.of("explicitly on without an endpoint", Map.of(disabled, "false"), Map.of(), "false"),
                Arguments.of("explicitly off with an endpoint", Map.of(disabled, "true", traces, "http://c:4317"),
                        Map.of(), "true"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void tracingIsOffUnlessAnEndpointIsConfigured(String name, Map<String, String> user, Map<String, String> defaults,
            String sdkDisabled) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withInterceptors(new TracingSwitch())
                .withSources(new PropertiesConfigSource(user, "user", USER))
                .withSources(new PropertiesConfigSource(defaults, "defaults", DEFAULTS))
                .build();
        assertEquals(Optional.ofNullable(sdkDisabled), config.getOptionalValue(TracingSwitch.SDK_DISABLED, String.class));
    }
}
