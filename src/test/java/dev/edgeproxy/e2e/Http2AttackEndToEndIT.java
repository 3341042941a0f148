package dev.edgeproxy.e2e;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link Http2AttackEndToEndTest} against the packaged application: the jar, or the native binary with -Dnative. */
@QuarkusIntegrationTest
class Http2AttackEndToEndIT extends Http2AttackEndToEndTest {
}
