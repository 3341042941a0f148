package dev.edgeproxy.ratelimit;

import dev.edgeproxy.config.GatewayConfig;
import dev.edgeproxy.config.InvalidConfigException;
import dev.edgeproxy.config.Problems;
import dev.edgeproxy.error.GatewayError;
import dev.edgeproxy.route.Route;
import dev.edgeproxy.testing.Configs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * {@code policies.localRateLimit} through the real compiler and through its own with a scoped sink: what is
 * refused, naming route and field.
 */
class RateLimitCompilerTest {

    private static String route(String limit) {
        return """
                gateway:
                  routes:
                    - name: r
                      backends: [{host: "127.0.0.1:8081"}]
                      policies:
                        localRateLimit: {%s}
                """.formatted(limit);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "fillInterval: 1s                                | maxTokens",
            "maxTokens: 0, fillInterval: 1s                  | maxTokens",
            "maxTokens: -1, fillInterval: 1s                 | maxTokens",
            "maxTokens: 1000000001, fillInterval: 1s         | maxTokens",
            "maxTokens: 5, tokensPerFill: 0, fillInterval: 1s | tokensPerFill",
            "maxTokens: 5                                    | fillInterval",
            "maxTokens: 5, fillInterval: soon                | fillInterval",
            "maxTokens: 5, fillInterval: 0s                  | fillInterval",
            "maxTokens: 5, fillInterval: 25h                 | fillInterval"})
    void invalidLimitsAreRefusedNamingTheField(String limit, String field) {
        InvalidConfigException e = Configs.compileFails(route(limit));
        Configs.assertReported(e, "route 'r'", "policies.localRateLimit." + field);
        // The compiler alone, with the sink the route compiler gives it, reports the very same lines.
        Problems problems = new Problems();
        GatewayConfig.LocalRateLimit config = Configs.policiesOf(route(limit)).localRateLimit().orElseThrow();
        assertNull(new RateLimitCompiler().compile(config, problems.scope("route 'r'", "policies.localRateLimit")));
        assertEquals(e.errors(), problems.all());
    }

    @Test
    void aValidLimitBecomesTheRoutesAdmission() {
        Route r = Configs.route(Configs.compile(route("maxTokens: 2, tokensPerFill: 1, fillInterval: 1h")), "r");
        assertEquals(1, r.policies().admissions().size());
        LocalRateLimit limit = assertInstanceOf(LocalRateLimit.class, r.policies().admissions().get(0));
        assertNull(limit.admit(null));
        assertNull(limit.peek(null));
        assertNull(limit.admit(null));
        GatewayError refusal = limit.admit(null);
        assertEquals(429, refusal.status());
        Map<String, String> headers = new HashMap<>();
        refusal.headers(headers::put);
        assertEquals("3600", headers.get("retry-after"));
    }

    @Test
    void routesWithoutTheLimitHaveNoAdmission() {
        Route r = Configs.route(Configs.compile("""
                gateway:
                  routes:
                    - name: r
                      backends: [{host: "127.0.0.1:8081"}]
                """), "r");
        assertEquals(0, r.policies().admissions().size());
    }
}
