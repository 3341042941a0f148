package dev.edgeproxy.e2e;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The same traces from the packaged application (jar or native binary), exporting with its own OTLP exporter. */
@QuarkusIntegrationTest
class TracingEndToEndIT extends TracingEndToEndTest {
}
