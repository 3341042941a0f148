package dev.edgeproxy.ratelimit;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The local rate limit against the packaged application (jar, or native binary under -Dnative). */
@QuarkusIntegrationTest
class RateLimitEndToEndIT extends RateLimitEndToEndTest {
}
