package dev.edgeproxy.e2e.limits;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The same raw-socket tests against the packaged application (the jar, or the native binary with -Dnative). */
@QuarkusIntegrationTest
class ListenerLimitsIT extends ListenerLimitsTest {
}
