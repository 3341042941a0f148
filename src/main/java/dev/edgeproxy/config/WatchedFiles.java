package dev.edgeproxy.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The files a configuration depends on: its own files, every {@code jwks.file} and every backend's TLS
 * file ({@code caCertificates}, {@code clientCertificate}, {@code clientKey}) it names.
 */
public final class WatchedFiles {

    private WatchedFiles() {
    }

    public static List<Path> of(List<Path> configFiles, GatewayConfig config) {
        Set<Path> files = new LinkedHashSet<>(configFiles);
        for (GatewayConfig.Route route : config.routes().orElse(List.of())) {
            route.backends().orElse(List.of()).stream().flatMap(b -> b.tls().stream())
                    .flatMap(t -> Stream.of(t.caCertificates(), t.clientCertificate(), t.clientKey()))
                    .flatMap(Optional::stream)
                    .map(f -> Path.of(f.strip()).toAbsolutePath().normalize())
                    .forEach(files::add);
            Optional<GatewayConfig.JwtAuth> jwt = route.policies().flatMap(GatewayConfig.Policies::jwtAuth);
            if (jwt.isEmpty()) {
                continue;
            }
            Stream.concat(jwt.get().jwks().stream(),
                            jwt.get().providers().orElse(List.of()).stream().flatMap(p -> p.jwks().stream()))
                    .flatMap(j -> j.file().stream())
                    .map(f -> Path.of(f).toAbsolutePath().normalize())
                    .forEach(files::add);
        }
        return new ArrayList<>(files);
    }
}
