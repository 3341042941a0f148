package dev.edgeproxy.compile;

import dev.edgeproxy.config.GatewayConfig;
import dev.edgeproxy.config.ProblemSink;
import dev.edgeproxy.proxy.Backend;
import dev.edgeproxy.proxy.OriginClient;
import dev.edgeproxy.proxy.OriginClients;
import dev.edgeproxy.proxy.OriginSettings;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Compiles a backend's {@code tls} and {@code protocol} into the {@link OriginSettings} of its client, reading
 * and checking every certificate file now: a missing file, a broken certificate, a key that is not the
 * certificate's, half of a client pair or an unknown protocol is a problem naming route and field.
 */
final class OriginCompiler {

    private static final Logger LOG = Logger.getLogger(OriginCompiler.class);

    private final OriginClients clients;

    /** @param maker makes the clients of the backends compiled, now ({@link OriginClient.Maker#NONE}: none) */
    OriginCompiler(OriginClient.Maker maker) {
        this.clients = new OriginClients(maker);
    }

    /** The clients of every backend compiled so far: owned by the table being compiled. */
    OriginClients clients() {
        return clients;
    }

    /**
     * @param field    {@code backends[i]}, as the warning about an unverified certificate names it
     * @param address  the parsed {@code host}
     * @param problems scoped to the route's {@code backends[i]}: fields are reported as {@code tls.sni}
     * @return {@code address} over its client, or {@code null} after reporting a problem
     */
    Backend compile(String routeName, String field, GatewayConfig.Backend backend, Backend address,
            ProblemSink problems) {
        int before = problems.count();
        OriginSettings.Protocol protocol = protocol(problems, "protocol", backend.protocol());
        OriginSettings.Tls tls = null;
        String serverName = null;
        if (backend.tls().isPresent()) {
            GatewayConfig.BackendTls t = backend.tls().get();
            serverName = t.sni().map(String::strip).orElse(null);
            if (serverName != null && serverName.isEmpty()) {
                problems.at("tls.sni", "is empty (leave it out to use the host part of host)");
            }
            tls = tls(problems, "tls", t, !isIpLiteral(serverName == null ? address.host() : serverName));
            if (tls != null && tls.insecureSkipVerify()) {
                LOG.warnf("route '%s': %s.tls.insecureSkipVerify is true: the certificate of %s is not verified",
                        routeName, field, address);
            }
        }
        if (problems.count() > before) {
            return null;
        }
        OriginSettings settings = new OriginSettings(protocol, tls);
        if (settings.equals(OriginSettings.PLAIN_HTTP1)) {
            return address; // the server's shared plain client, as before
        }
        return address.with(clients.of(settings), serverName);
    }

    private static OriginSettings.Protocol protocol(ProblemSink problems, String field, Optional<String> value) {
        if (value.isEmpty()) {
            return OriginSettings.Protocol.HTTP1;
        }
        return switch (value.get().strip().toLowerCase(Locale.ROOT)) {
            case "http1" -> OriginSettings.Protocol.HTTP1;
            case "http2" -> OriginSettings.Protocol.HTTP2;
            default -> {
                problems.at(field, "unknown protocol '" + value.get() + "' (expected http1 or http2)");
                yield OriginSettings.Protocol.HTTP1;
            }
        };
    }

    /** An IPv4 or IPv6 address, which is never sent as a TLS server name. */
    static boolean isIpLiteral(String host) {
        return host.contains(":") || host.matches("[0-9.]+");
    }

    private static OriginSettings.Tls tls(ProblemSink problems, String field, GatewayConfig.BackendTls t, boolean sendSni) {
        int before = problems.count();
        String ca = t.caCertificates().map(f -> read(problems, field + ".caCertificates", f)).orElse(null);
        if (ca != null) {
            try {
                Pem.certificates(ca);
            } catch (IllegalArgumentException e) {
                problems.at(field + ".caCertificates", t.caCertificates().get() + " " + e.getMessage());
            }
        }
        String certificate = null;
        String key = null;
        if (t.clientCertificate().isPresent() != t.clientKey().isPresent()) {
            problems.at(field + (t.clientKey().isPresent() ? ".clientCertificate" : ".clientKey"),
                    "is required when " + (t.clientKey().isPresent() ? "clientKey" : "clientCertificate")
                            + " is set (mTLS needs both)");
        } else if (t.clientCertificate().isPresent()) {
            certificate = read(problems, field + ".clientCertificate", t.clientCertificate().get());
            key = read(problems, field + ".clientKey", t.clientKey().get());
            if (certificate != null && key != null) {
                checkPair(problems, field, t, certificate, key);
            }
        }
        boolean insecure = t.insecureSkipVerify().orElse(false);
        return problems.count() > before ? null : new OriginSettings.Tls(ca, certificate, key, insecure, sendSni);
    }

    private static void checkPair(ProblemSink problems, String field, GatewayConfig.BackendTls t, String certificatePem,
            String keyPem) {
        List<X509Certificate> chain;
        try {
            chain = Pem.certificates(certificatePem);
        } catch (IllegalArgumentException e) {
            problems.at(field + ".clientCertificate", t.clientCertificate().get() + " " + e.getMessage());
            return;
        }
        PrivateKey key;
        try {
            key = Pem.privateKey(keyPem);
        } catch (IllegalArgumentException e) {
            problems.at(field + ".clientKey", t.clientKey().get() + " " + e.getMessage());
            return;
        }
        try {
            Pem.checkPair(key, chain.get(0));
        } catch (IllegalArgumentException e) {
            problems.at(field + ".clientKey", t.clientKey().get() + " " + e.getMessage());
        }
    }

    private static String read(ProblemSink problems, String field, String file) {
        Path path = Path.of(file.strip());
        try {
            return Pem.text(Files.readAllBytes(path));
        } catch (IOException | SecurityException e) {
            problems.at(field, "cannot read " + path.toAbsolutePath() + " (" + e.getClass().getSimpleName() + ")");
            return null;
        }
    }
}
