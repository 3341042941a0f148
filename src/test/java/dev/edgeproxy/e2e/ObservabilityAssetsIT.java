package dev.edgeproxy.e2e;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The dashboard's and alerts' series, served by the packaged application (the native binary's meters too). */
@QuarkusIntegrationTest
class ObservabilityAssetsIT extends ObservabilityAssetsTest {
}
