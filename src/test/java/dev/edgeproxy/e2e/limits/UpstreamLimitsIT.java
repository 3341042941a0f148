package dev.edgeproxy.e2e.limits;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The same tests against the packaged application. */
@QuarkusIntegrationTest
class UpstreamLimitsIT extends UpstreamLimitsTest {
}
