package dev.edgeproxy.e2e;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The management checks against the packaged application. */
@QuarkusIntegrationTest
class ManagementEndpointsIT extends ManagementEndpointsTest {
}
