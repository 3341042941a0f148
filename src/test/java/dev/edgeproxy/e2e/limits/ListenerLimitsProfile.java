package dev.edgeproxy.e2e.limits;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.List;
import java.util.Map;

/**
 * Small listener limits, so that tests reach them quickly: a 1 s request-head deadline and room for
 * four connections. Header and request-line sizes stay at the shipped defaults (application.yaml).
 */
public class ListenerLimitsProfile implements QuarkusTestProfile {

    static final int MAX_CONNECTIONS = 4;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "gateway.limits.requestHeadTimeout", "1s",
                "quarkus.http.limits.max-connections", String.valueOf(MAX_CONNECTIONS));
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
