package dev.edgeproxy;

import dev.edgeproxy.compile.ConfigValidator;
import dev.edgeproxy.config.ConfigLoader;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

import java.util.Arrays;
import java.util.List;

/**
 * Entry point. {@code --validate-only} checks the
 * configuration and exits — 0 when valid, 1 with every problem (route and field) when not — without
 * starting the application or binding a port. Anything else starts the proxy, unless the TLS listener's
 * certificate files are unusable: Quarkus would refuse a file it cannot read without naming the property
 * (and start with a key that does not match its certificate), so they are checked first, as
 * {@code --validate-only} checks them.
 */
@QuarkusMain
public final class EdgeProxyMain {

    public static void main(String... args) {
        if (Arrays.asList(args).contains("--validate-only")) {
            System.exit(ConfigValidator.run(System.out, System.err));
        }
        List<String> tls = listenerCertificateProblems();
        if (!tls.isEmpty()) {
            System.err.println("invalid TLS configuration:");
            tls.forEach(p -> System.err.println("  - " + p));
            System.exit(1);
        }
        Quarkus.run(args);
    }

    private static List<String> listenerCertificateProblems() {
        try {
            return ConfigLoader.standalone().listenerCertificates().problems();
        } catch (RuntimeException e) {
            // Anything else wrong with the configuration is for startup to report, with its own message.
            return List.of();
        }
    }
}
