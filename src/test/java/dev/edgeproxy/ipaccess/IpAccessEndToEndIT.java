package dev.edgeproxy.ipaccess;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@code policies.ipAccess} against the packaged application (jar, or native binary under -Dnative). */
@QuarkusIntegrationTest
class IpAccessEndToEndIT extends IpAccessEndToEndTest {
}
