package dev.edgeproxy.e2e;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The head, body and stream seams against the packaged application (jar, or native binary under -Dnative). */
@QuarkusIntegrationTest
class FramingEndToEndIT extends FramingEndToEndTest {
}
