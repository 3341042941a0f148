package dev.edgeproxy.e2e;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The attack table against the packaged application (the jar, or the native binary under -Dnative). */
@QuarkusIntegrationTest
class RequestTargetAttackIT extends RequestTargetAttackTest {
}
