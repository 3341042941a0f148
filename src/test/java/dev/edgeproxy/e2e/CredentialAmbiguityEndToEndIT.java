package dev.edgeproxy.e2e;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The credential-ambiguity checks against the packaged application. */
@QuarkusIntegrationTest
class CredentialAmbiguityEndToEndIT extends CredentialAmbiguityEndToEndTest {
}
