package dev.edgeproxy.e2e.limits;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.List;
import java.util.Map;

/** One connection per origin, one request waiting for it, and a 1 s connect timeout. */
public class UpstreamLimitsProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "gateway.limits.upstreamMaxConnections", "1",
                "gateway.limits.upstreamMaxWaitQueue", "1",
                "gateway.limits.upstreamConnectTimeout", "1s");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(LimitsTestResource.class));
    }

    /** The routes of the other end-to-end tests have nothing to do here. */
    @Override
    public boolean disableGlobalTestResources() {
        return true;
    }
}
