package dev.edgeproxy.config;

import java.nio.file.Path;
import java.util.List;

/**
 * One read of the configuration, as {@link ConfigLoader} made it: what startup, a hot reload and
 * {@code --validate-only} all compile.
 *
 * @param config         the configuration in force: the user's, or the built-in sample's routes over the user's
 *                       other settings ({@link SampleRoutes})
 * @param sample         whether the built-in sample stands in for the routes
 * @param files          the files named by {@code quarkus.config.locations}, absolute and normalized
 * @param cryptoProvider the raw setting {@code edge-proxy.crypto.provider} ({@code auto} when unset), not yet checked
 * @param listenerCertificates the TLS registry's settings and PEM files ({@code quarkus.tls.*}), not yet checked;
 *                       without files on a reload, which changes routes, not the listener
 */
public record LoadedConfig(GatewayConfig config, boolean sample, List<Path> files, String cryptoProvider,
        ListenerCertificates listenerCertificates) {

    public LoadedConfig {
        files = List.copyOf(files);
    }
}
