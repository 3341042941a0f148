package dev.edgeproxy.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code gateway} configuration tree exactly as users write it in YAML; every member is documented in
 * {@code docs/reference.md#configuration} (ReferenceDocTest keeps it so).
 *
 * <p>This is the loose, user-facing shape: almost every member is optional so that the
 * {@link RouteCompiler} — not SmallRye — decides what is missing or contradictory and can name the
 * route and the field in its message. Nothing on the request path reads these interfaces.
 * Keys are camelCase (agentgateway's spelling), hence the verbatim naming strategy.
 */
@ConfigMapping(prefix = "gateway", namingStrategy = ConfigMapping.NamingStrategy.VERBATIM)
public interface GatewayConfig {

    Optional<List<Route>> routes();

    /** How request targets are canonicalised before anything decides on them. */
    RequestTarget requestTarget();

    /**
     * Request headers removed from every client request, on every route, before anything reads them
     * (besides the names that any route's transformations set or add). Lower- or mixed-case names.
     */
    @WithDefault("forwarded,x-forwarded-host,x-forwarded-proto,x-real-ip,x-original-url,x-rewrite-url")
    List<String> untrustedHeaders();

    /** The proxy port's listener. Read at startup only. */
    Listener listener();

    interface RequestTarget {
        /** {@code //} read as {@code /}. */
        @WithDefault("true")
        boolean mergeSlashes();

        /** {@code %2F}: reject, decode (a separator) or keep. */
        @WithDefault("reject")
        String escapedSlash();

        /** {@code %5C}: reject, decode (a separator) or keep. */
        @WithDefault("reject")
        String escapedBackslash();

        /** A raw backslash: reject, decode (a separator) or keep. */
        @WithDefault("reject")
        String backslash();

        /** {@code %00}: reject or keep. */
        @WithDefault("reject")
        String escapedNul();

        /** {@code ;} path parameters: reject, decode (removed, as Tomcat reads them) or keep. */
        @WithDefault("reject")
        String pathParameters();
    }

    interface RouteLimits {
        /** Overrides {@code gateway.limits.maxRequestBody} for the route. */
        Optional<String> maxRequestBody();

        /** Overrides {@code gateway.limits.websocketIdleTimeout} for the route (a {@code websocket} route only). */
        Optional<String> websocketIdleTimeout();

        /** Overrides {@code gateway.limits.websocketMaxLifetime} for the route (a {@code websocket} route only). */
        Optional<String> websocketMaxLifetime();
    }

    interface Listener {
        /** HTTP/2 over cleartext (h2c, prior knowledge or upgrade) on the plain proxy port. */
        @WithDefault("false")
        boolean h2c();

        /**
         * Client certificates on the HTTPS listener: {@code none}, {@code request} or {@code required} (checked by
         * {@link ListenerSettings}). Quarkus fixes {@code quarkus.http.ssl.client-auth} at build time; this is the
         * run-time switch.
         */
        @WithDefault("none")
        String clientAuth();

        /** How often the listener's certificate files are read again; {@code 0} never (checked by {@link ListenerSettings}). */
        @WithDefault("1m")
        String certificateReload();

        /**
         * The HTTPS listener's TLS engine: {@code auto} (OpenSSL when netty-tcnative loads, else the JDK's),
         * {@code jdk} or {@code openssl} (startup fails without it); checked by {@link ListenerSettings}.
         */
        @WithDefault("auto")
        String tlsEngine();

        /**
         * What serves the proxy port: {@code vertx} (Quarkus' HTTP server and Vert.x's client) or {@code netty} (the
         * request path on Netty's own pipeline, {@code dev.edgeproxy.datapath}; needs {@code
         * quarkus.http.host-enabled=false}). Checked by {@link ListenerSettings}.
         */
        @WithDefault("vertx")
        String dataPath();
    }

    /** The built-in demo upstream that the sample configuration forwards to. */
    Demo demo();

    /** Serving the built-in sample routes when no routes are configured (dev mode only, unless enabled). */
    Sample sample();

    interface Sample {
        /** Off outside dev mode: a proxy started without routes refuses to start instead. */
        @WithDefault("false")
        boolean enabled();
    }

    /** {@code POST /explain} on the management interface. */
    Explain explain();

    interface Explain {
        /** Off unless enabled ({@code %dev} turns it on): when off, the path is not registered at all. */
        @WithDefault("false")
        boolean enabled();
    }

    /** Re-reading the route configuration when its files change. */
    Reload reload();

    interface Reload {
        /** Watch the files of quarkus.config.locations and every jwks.file, and reload on change. */
        @WithDefault("true")
        boolean enabled();
    }

    /** Bounds that protect the proxy itself (README, "Limits"); read once at startup. */
    Limits limits();

    /**
     * {@code gateway.limits}: what one user agent, origin or identity provider may cost the proxy.
     * Checked and converted by {@link ProxyLimits}.
     */
    interface Limits {
        /** Largest request body, e.g. {@code 10M}, for every route unless it sets its own; unlimited when absent. */
        Optional<String> maxRequestBody();

        /** A connection must deliver a complete request head this soon after connecting or its previous response; 0 = off. */
        @WithDefault("10s")
        String requestHeadTimeout();

        /** Bound on opening a TCP connection to an origin; then 502. */
        @WithDefault("5s")
        String upstreamConnectTimeout();

        /** Open connections per origin ({@code host:port}). */
        @WithDefault("256")
        int upstreamMaxConnections();

        /** Requests waiting for a connection to one origin; beyond it 503. */
        @WithDefault("1024")
        int upstreamMaxWaitQueue();

        /** Largest JWKS document accepted from a {@code jwks.url}, in bytes. */
        @WithDefault("1048576")
        int jwksMaxBytes();

        /** At most one log line per route and rule (or header) in this interval for CEL evaluation errors. */
        @WithDefault("10s")
        String errorLogInterval();

        /** A WebSocket tunnel with no frame either way for this long is closed; every route that sets none. */
        @WithDefault("5m")
        String websocketIdleTimeout();

        /**
         * A WebSocket tunnel is closed this long after its upgrade, whatever its traffic; every route that sets
         * none. Absent: no configured cap (a verified token's {@code exp} still ends the tunnel).
         */
        Optional<String> websocketMaxLifetime();
    }

    /** One line per request, to standard output or on the logger category {@code edgeproxy.access}. */
    AccessLog accessLog();

    interface AccessLog {
        @WithDefault("true")
        boolean enabled();

        /** {@code plain} ({@code key=value} pairs) or {@code json}. */
        @WithDefault("plain")
        String format();

        /** {@code stdout} (batched, off the event loops) or {@code logger} (the category {@code edgeproxy.access}). */
        @WithDefault("stdout")
        String output();
    }

    interface Demo {
        @WithDefault("false")
        boolean enabled();

        @WithDefault("8090")
        int port();
    }

    interface Route {
        Optional<String> name();

        Optional<List<String>> hostnames();

        Optional<List<Match>> matches();

        Optional<List<Backend>> backends();

        Optional<Policies> policies();

        Optional<RouteLimits> limits();

        /** Accept {@code Upgrade: websocket} and tunnel the frames to the origin (docs/reference.md#websocket). */
        Optional<Boolean> websocket();

        /**
         * The {@code Origin} values a WebSocket upgrade may carry ({@code scheme://host[:port]} or {@code null});
         * any when absent. A {@code websocket} route only.
         */
        Optional<List<String>> websocketAllowedOrigins();
    }

    interface Match {
        Optional<Path> path();

        Optional<String> method();

        Optional<List<NamedMatch>> headers();

        Optional<List<NamedMatch>> query();
    }

    interface Path {
        Optional<String> exact();

        Optional<String> pathPrefix();

        Optional<String> regex();
    }

    interface NamedMatch {
        Optional<String> name();

        Optional<ValueMatch> value();
    }

    interface ValueMatch {
        Optional<String> exact();

        Optional<String> regex();
    }

    interface Backend {
        Optional<String> host();

        /** TLS to the origin; plain text when absent. */
        Optional<BackendTls> tls();

        /** {@code http1} (default) or {@code http2}: ALPN over TLS, prior knowledge without. */
        Optional<String> protocol();
    }

    /** TLS to one backend; its files are watched and reloaded like {@code jwks.file}. */
    interface BackendTls {
        /** PEM file of the CA certificates to trust; the JVM's trust store when absent. */
        Optional<String> caCertificates();

        /** Server name sent (SNI) and verified in the origin's certificate; the host part of {@code host} when absent. */
        Optional<String> sni();

        /** PEM certificate (chain) presented to the origin (mTLS); needs {@code clientKey}. */
        Optional<String> clientCertificate();

        /** PEM private key (PKCS#8, or PKCS#1 RSA) of {@code clientCertificate}. */
        Optional<String> clientKey();

        /** Trust any certificate and name: only on purpose, logged as a warning when compiled. */
        Optional<Boolean> insecureSkipVerify();
    }

    interface Policies {
        Optional<JwtAuth> jwtAuth();

        Optional<Authorization> authorization();

        Optional<Transformations> transformations();

        Optional<Timeout> timeout();

        /** A token bucket of requests per route, before authentication (docs/reference.md#local-rate-limit). */
        Optional<LocalRateLimit> localRateLimit();

        /** Client addresses admitted or refused, before authentication (docs/reference.md#ip-access). */
        Optional<IpAccess> ipAccess();
    }

    interface JwtAuth {
        Optional<String> mode();

        Optional<String> issuer();

        Optional<List<String>> audiences();

        Optional<Jwks> jwks();

        Optional<List<Provider>> providers();

        Optional<String> clockSkew();

        /** Where the token is; default {@code Authorization: Bearer <token>}. */
        Optional<Location> location();
    }

    /** Exactly one of the three. */
    interface Location {
        Optional<HeaderLocation> header();

        Optional<NamedLocation> queryParameter();

        Optional<NamedLocation> cookie();
    }

    interface HeaderLocation {
        Optional<String> name();

        /** Scheme prefix before the token, e.g. {@code "Bearer "}; empty for a bare token. */
        Optional<String> prefix();
    }

    interface NamedLocation {
        Optional<String> name();
    }

    interface Provider {
        Optional<String> issuer();

        Optional<List<String>> audiences();

        Optional<Jwks> jwks();
    }

    interface Jwks {
        Optional<String> file();

        Optional<String> url();

        Optional<String> inline();

        /** For {@code url}: bound on one fetch, and on how long a request waits for a refetch. */
        Optional<String> timeout();
    }

    interface Authorization {
        Optional<List<Rule>> rules();
    }

    interface Rule {
        Optional<String> allow();

        Optional<String> deny();

        Optional<String> require();
    }

    interface Transformations {
        Optional<HeaderTransform> request();
    }

    interface HeaderTransform {
        /** Header name to CEL expression; replaces what the user agent sent. */
        Map<String, String> set();

        /** Header name to CEL expression; appended to what the user agent sent. */
        Map<String, String> add();

        Optional<List<String>> remove();
    }

    interface Timeout {
        Optional<String> requestTimeout();
    }

    interface LocalRateLimit {
        /** The bucket's size: how many requests may arrive at once; it starts full. */
        Optional<Long> maxTokens();

        /** Tokens put back every {@code fillInterval}; default 1. */
        Optional<Long> tokensPerFill();

        /** A duration such as {@code 1s} or {@code 100ms}. */
        Optional<String> fillInterval();
    }

    interface IpAccess {
        /** Addresses or CIDR blocks; when given, only a client in one of them is admitted. */
        Optional<List<String>> allow();

        /** Addresses or CIDR blocks refused, even when {@code allow} admits them. */
        Optional<List<String>> deny();
    }
}
