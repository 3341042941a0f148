package dev.edgeproxy;

import dev.edgeproxy.compile.ConfigValidator;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

import java.util.Arrays;

/**
 * Entry point. {@code --validate-only} checks the
 * configuration and exits — 0 when valid, 1 with every problem (route and field) when not — without
 * starting the application or binding a port. Anything else starts the proxy.
 */
@QuarkusMain
public final class EdgeProxyMain {

    public static void main(String... args) {
        if (Arrays.asList(args).contains("--validate-only")) {
            System.exit(ConfigValidator.run(System.out, System.err));
        }
        Quarkus.run(args);
    }
}
