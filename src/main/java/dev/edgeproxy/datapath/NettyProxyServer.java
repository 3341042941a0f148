package dev.edgeproxy.datapath;

import dev.edgeproxy.compile.GatewayCompiler;
import dev.edgeproxy.compile.RouteTables;
import dev.edgeproxy.config.GatewayConfig;
import dev.edgeproxy.config.ListenerCertificates;
import dev.edgeproxy.config.ListenerSettings;
import dev.edgeproxy.listener.NettyListenerTls;
import dev.edgeproxy.logging.LogThrottle;
import dev.edgeproxy.metrics.GatewayMetrics;
import dev.edgeproxy.trace.Tracing;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.timeout.IdleStateHandler;
import io.opentelemetry.api.OpenTelemetry;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.tls.TlsConfigurationRegistry;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.impl.headers.HeadersMultiMap;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The proxy port served by the request path on Netty's own pipeline, when {@code gateway.listener.dataPath} is
 * {@code netty}: HTTP/1.x over plain TCP (TLS, HTTP/2 and WebSocket tunnels follow, docs/netty-data-path.md), on
 * Vert.x's event loops, with the same evaluation as the other data path ({@code dev.edgeproxy.pipeline.Evaluator}).
 * Quarkus' HTTP server then leaves the proxy port ({@code quarkus.http.host-enabled=false}) and keeps the
 * management interface.
 */
@ApplicationScoped
public class NettyProxyServer {

    private static final Logger LOG = Logger.getLogger(NettyProxyServer.class);

    /**
     * Headers decoded straight into Vert.x's map, which is also Netty's {@link HttpHeaders}, so the evaluation and the
     * header checks read them without a copy, and the maps they produce are written without one.
     */
    // Vert.x internal (HeadersMultiMap, what Vert.x's own server decodes into), guarded by dev.edgeproxy.VertxInternalsTest
    static final HttpHeadersFactory VERTX_HEADERS = new HttpHeadersFactory() {
        @Override
        public HttpHeaders newHeaders() {
            return HeadersMultiMap.httpHeaders();
        }

        @Override
        public HttpHeaders newEmptyHeaders() {
            return HeadersMultiMap.httpHeaders();
        }
    };

    /** An empty map of header fields that is both a Vert.x {@link MultiMap} and a Netty {@link HttpHeaders}. */
    static MultiMap newHeaders() {
        return HeadersMultiMap.httpHeaders();
    }

    private final List<Channel> servers = new ArrayList<>();

    void start(@Observes StartupEvent start, Vertx vertx, RouteTables routes, GatewayConfig config,
            GatewayMetrics metrics, OpenTelemetry openTelemetry, Instance<TlsConfigurationRegistry> registry)
            throws InterruptedException {
        if (!config.listener().dataPath().strip().equalsIgnoreCase("netty")) {
            return;
        }
        Config quarkus = ConfigProvider.getConfig();
        if (quarkus.getOptionalValue("quarkus.http.host-enabled", Boolean.class).orElse(true)) {
            throw new IllegalStateException("gateway.listener.dataPath: netty serves the proxy port itself; set "
                    + "quarkus.http.host-enabled=false so that Quarkus' HTTP server leaves it");
        }
        // What this path does not serve yet refused startup already (dev.edgeproxy.compile.DataPathScope).
        GatewayCompiler.Compiled startup = routes.compiled();
        String host = quarkus.getOptionalValue("quarkus.http.host", String.class).orElse("0.0.0.0");
        int port = port(quarkus, "quarkus.http.port", 8080, "quarkus.http.test-port", 8081);
        int maxHeaders = (int) quarkus.getValue("quarkus.http.limits.max-header-size", MemorySize.class).asLongValue();
        int maxLine = quarkus.getValue("quarkus.http.limits.max-initial-line-length", Integer.class);
        int maxConnections = quarkus.getOptionalValue("quarkus.http.limits.max-connections", Integer.class)
                .orElse(Integer.MAX_VALUE);
        // As Quarkus' server: a connection without a byte either way for this long is closed.
        long idleNanos = quarkus.getOptionalValue("quarkus.http.idle-timeout", Duration.class)
                .orElse(Duration.ofMinutes(30)).toNanos();
        // Vert.x's event loops: the proxy's connections share them with everything else that runs on Vert.x.
        EventLoopGroup group = vertx.nettyEventLoopGroup();
        boolean epoll = vertx.isNativeTransportEnabled() && Epoll.isAvailable();
        DataPath path = new DataPath(routes::current, new OriginPool(startup.limits(), epoll), metrics,
                startup.accessLog(), Tracing.configured(quarkus, openTelemetry),
                new LogThrottle(Duration.ofSeconds(10)), startup.limits().requestHeadTimeout().toNanos(), maxConnections,
                new AtomicInteger(), new LongAdder());
        metrics.originLeased(path.leased()::sum);
        ListenerSettings settings = ListenerSettings.from(config.listener(),
                ListenerCertificates.of(quarkus).withoutFiles());
        Optional<NettyListenerTls> tls;
        try {
            tls = NettyListenerTls.of(vertx, registry.isResolvable() ? registry.get() : null, settings, quarkus,
                    metrics::tlsHandshakeFailure);
        } catch (Exception e) {
            throw new IllegalStateException("cannot serve the HTTPS listener: " + e.getMessage(), e);
        }
        String insecure = quarkus.getOptionalValue("quarkus.http.insecure-requests", String.class).orElse("enabled")
                .strip().toLowerCase(Locale.ROOT);
        if (tls.isPresent() && insecure.equals("redirect")) {
            throw new IllegalStateException("quarkus.http.insecure-requests: redirect is not served by "
                    + "gateway.listener.dataPath netty yet (use enabled, disabled, or dataPath vertx)");
        }
        Listener listener = new Listener(path, maxHeaders, maxLine, idleNanos);
        if (tls.isEmpty() || !insecure.equals("disabled")) {
            servers.add(bind(group, epoll, host, port, listener, null));
        }
        if (tls.isPresent()) {
            int sslPort = port(quarkus, "quarkus.http.ssl-port", 8443, "quarkus.http.test-ssl-port", 8444);
            servers.add(bind(group, epoll, host, sslPort, listener, tls.get()));
            LOG.infof("HTTPS listener: TLS by %s", tls.get().description());
        }
    }

    /** A port as Quarkus reads it: the test one under {@code @QuarkusTest}, else the configured one. */
    private static int port(Config quarkus, String name, int fallback, String testName, int testFallback) {
        return LaunchMode.current() == LaunchMode.TEST
                ? quarkus.getOptionalValue(testName, Integer.class).orElse(testFallback)
                : quarkus.getOptionalValue(name, Integer.class).orElse(fallback);
    }

    /** How every accepted connection's pipeline is made: the same on both listeners, TLS first on the HTTPS one. */
    private record Listener(DataPath path, int maxHeaders, int maxLine, long idleNanos) {
        void initChannel(SocketChannel ch, NettyListenerTls tls) {
            if (tls != null) {
                ch.pipeline().addLast("tls", tls.newHandler(ch.alloc()));
            }
            if (idleNanos > 0) {
                ch.pipeline().addLast("idle", new IdleStateHandler(0, 0, idleNanos, TimeUnit.NANOSECONDS));
            }
            HttpDecoderConfig decoder = new HttpDecoderConfig().setMaxHeaderSize(maxHeaders)
                    .setMaxInitialLineLength(maxLine).setHeadersFactory(VERTX_HEADERS)
                    .setTrailersFactory(VERTX_HEADERS);
            // Not HttpServerCodec: its encoder pairs each answer with a request by a queue that a
            // 100 Continue would put out of step; answers to HEAD are bodiless by construction here.
            ch.pipeline().addLast("decoder", new HttpRequestDecoder(decoder))
                    .addLast("encoder", new HttpResponseEncoder())
                    .addLast("proxy", new Http1Connection(path, tls != null));
        }
    }

    private static Channel bind(EventLoopGroup group, boolean epoll, String host, int port, Listener listener,
            NettyListenerTls tls) throws InterruptedException {
        Channel server = new ServerBootstrap()
                .group(group, group)
                .channelFactory(epoll ? EpollServerSocketChannel::new : NioServerSocketChannel::new)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        listener.initChannel(ch, tls);
                    }
                })
                .bind(host, port).sync().channel();
        InetSocketAddress address = (InetSocketAddress) server.localAddress();
        LOG.infof("proxy port %s:%d (%s) served by the Netty data path (%s)", address.getHostString(), address.getPort(),
                tls == null ? "http" : "https", epoll ? "epoll" : "nio");
        return server;
    }

    void stop(@Observes ShutdownEvent stop) {
        for (Channel server : servers) {
            server.close().syncUninterruptibly();
        }
    }
}
