package dev.edgeproxy.e2e.limits;

import dev.edgeproxy.e2e.EchoUpstream;
import dev.edgeproxy.e2e.GatewayTestResource;
import dev.edgeproxy.e2e.InjectGateway;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The real parts the limit tests need: an {@link EchoUpstream} and a "black hole", a loopback port
 * whose accept queue is full so that a connection attempt is never answered (its SYN is dropped), as
 * a firewalled origin behaves. Routes:
 * <ul>
 * <li>{@code /open}: the echo origin;</li>
 * <li>{@code /hang}: the echo origin with a 60 s request timeout ({@code /hang/hang} never answers);</li>
 * <li>{@code /slow}: the echo origin with a 2 s request timeout;</li>
 * <li>{@code /blackhole}: the black hole with a 30 s request timeout, far above any connect timeout.</li>
 * </ul>
 * The limits themselves come from the test profile.
 */
public class LimitsTestResource implements QuarkusTestResourceLifecycleManager {

    private EchoUpstream upstream;
    private ServerSocket blackhole;
    private final List<Socket> fillers = new ArrayList<>();

    @Override
    public Map<String, String> start() {
        try {
            upstream = new EchoUpstream();
            int hole = blackhole();
            String origin = "127.0.0.1:" + upstream.port();
            Map<String, String> props = new LinkedHashMap<>();
            route(props, 0, "open", "/open", origin, null);
            route(props, 1, "hang", "/hang", origin, "60s");
            route(props, 2, "slow", "/slow", origin, "2s");
            route(props, 3, "blackhole", "/blackhole", "127.0.0.1:" + hole, "30s");
            props.put("quarkus.management.port", String.valueOf(GatewayTestResource.MANAGEMENT_PORT));
            props.put("quarkus.management.test-port", String.valueOf(GatewayTestResource.MANAGEMENT_PORT));
            return props;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void route(Map<String, String> props, int i, String name, String prefix, String backend, String timeout) {
        String base = "gateway.routes[" + i + "].";
        props.put(base + "name", name);
        props.put(base + "matches[0].path.pathPrefix", prefix);
        props.put(base + "backends[0].host", backend);
        if (timeout != null) {
            props.put(base + "policies.timeout.requestTimeout", timeout);
        }
    }

    /** Listens with a backlog of one and never accepts; connects until the queue is full. */
    private int blackhole() throws IOException {
        blackhole = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), blackhole.getLocalPort());
        for (int i = 0; i < 16; i++) {
            Socket filler = new Socket();
            try {
                filler.connect(address, 500);
                fillers.add(filler);
            } catch (SocketTimeoutException full) {
                filler.close();
                return blackhole.getLocalPort();
            }
        }
        throw new IllegalStateException("the accept queue of the black hole never filled up");
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(upstream,
                new TestInjector.AnnotatedAndMatchesType(InjectGateway.class, EchoUpstream.class));
    }

    @Override
    public void stop() {
        for (Socket filler : fillers) {
            try {
                filler.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        try {
            if (blackhole != null) {
                blackhole.close();
            }
        } catch (IOException ignored) {
            // closing anyway
        }
        if (upstream != null) {
            upstream.close();
        }
    }
}
