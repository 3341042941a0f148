package dev.edgeproxy.server;

/**
 * Netty's epoll transport for Vert.x, offered as a {@code io.vertx.core.spi.transport.Transport} service
 * (META-INF/services) so that the native image uses it too.
 *
 * <p>Why a service: Quarkus 3.33's native build replaces Vert.x's own lookup of the native transport with
 * "always NIO", but Vert.x asks the {@code Transport} services first whenever
 * {@code quarkus.vertx.prefer-native-transport} is on, and takes the first that {@link #isAvailable() is
 * available}. On the JVM this changes nothing (Vert.x would pick epoll anyway); where epoll cannot load
 * (another OS or CPU) it is not available and Vert.x falls back to NIO as before. {@code GatewayRoutes} logs
 * which transport serves. The native image's metadata for the service is in
 * META-INF/native-image/dev.edgeproxy/edge-proxy/reachability-metadata.json.
 */
// Vert.x internal (io.vertx.core.impl.transports.EpollTransport), guarded by dev.edgeproxy.VertxInternalsTest
public final class EpollTransport extends io.vertx.core.impl.transports.EpollTransport {
}
