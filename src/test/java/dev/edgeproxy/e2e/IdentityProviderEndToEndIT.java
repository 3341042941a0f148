package dev.edgeproxy.e2e;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The identity-provider checks against the packaged application. */
@QuarkusIntegrationTest
class IdentityProviderEndToEndIT extends IdentityProviderEndToEndTest {
}
