package dev.edgeproxy.e2e;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The same black-box tests against the packaged application (the jar, or the native binary with -Dnative). */
@QuarkusIntegrationTest
class UpstreamTlsEndToEndIT extends UpstreamTlsEndToEndTest {
}
