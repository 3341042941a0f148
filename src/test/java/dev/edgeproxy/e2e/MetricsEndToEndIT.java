package dev.edgeproxy.e2e;

import io.quarkus.test.junit.QuarkusIntegrationTest;

import java.nio.file.Files;

/** The same scrape and access log checks against the packaged application. */
@QuarkusIntegrationTest
class MetricsEndToEndIT extends MetricsEndToEndTest {

    /** The packaged application writes the file itself; skip those checks where it is not readable here. */
    @Override
    protected boolean accessLogReadable() {
        return Files.isReadable(GatewayTestResource.ACCESS_LOG);
    }
}
