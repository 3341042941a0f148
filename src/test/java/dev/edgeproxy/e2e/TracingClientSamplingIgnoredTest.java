package dev.edgeproxy.e2e;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * With {@code edge-proxy.tracing.client-sampling=ignore} the proxy samples by its own draw: here none of the
 * requests (ratio 0), so a client that marks its trace as sampled cannot make the proxy record and export it.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
@TestProfile(TracingClientSamplingIgnoredTest.IgnoreClients.class)
class TracingClientSamplingIgnoredTest {

    public static class IgnoreClients implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("edge-proxy.tracing.client-sampling", "ignore", "quarkus.otel.traces.sampler.arg", "0.0");
        }
    }

    @InjectGateway
    GatewayFixture gateway;

    @Test
    void aClientsSampledFlagDoesNotMakeTheProxyRecord() throws InterruptedException {
        String traceId = "7d3c5e1f9a2b4c6d8e0f1a2b3c4d5e6f";
        List<String> received = given()
                .header("traceparent", "00-" + traceId + "-a1b2c3d4e5f60718-01")
                .get("/open/forced").then().statusCode(200).extract().jsonPath().getList("headers.traceparent");
        String[] parts = received.get(0).split("-");
        assertEquals(traceId, parts[1], "the client's trace still goes on to the origin");
        assertEquals("00", parts[3], "but as the proxy decided: not sampled");
        // Spans are exported every 50 ms here: a recorded span would have arrived long before this.
        Thread.sleep(1_000);
        assertEquals(List.of(), gateway.traces().trace(traceId));
    }
}
