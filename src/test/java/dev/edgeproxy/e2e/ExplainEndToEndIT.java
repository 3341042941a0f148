package dev.edgeproxy.e2e;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The explain endpoint against the packaged application. */
@QuarkusIntegrationTest
class ExplainEndToEndIT extends ExplainEndToEndTest {
}
