package dev.edgeproxy.datapath;

import dev.edgeproxy.accesslog.AccessLog;
import dev.edgeproxy.logging.LogThrottle;
import dev.edgeproxy.metrics.GatewayMetrics;
import dev.edgeproxy.route.RouteTable;
import dev.edgeproxy.trace.Tracing;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * What every connection of the Netty data path shares: the route table in force, the origin connections, and
 * where requests are reported (meters, access log, traces).
 *
 * @param invalidHeaderLog  a header that fails the field check this late is the proxy's own bug: said once per
 *                          interval
 * @param headTimeoutNanos  {@code gateway.limits.requestHeadTimeout}: how long a connection has to deliver a whole
 *                          request head, from its start or the end of the response before; 0: no deadline
 * @param maxConnections    {@code quarkus.http.limits.max-connections}: connections beyond it are closed at once
 * @param connections       the proxy port's open connections
 * @param leased            requests holding or waiting for an origin connection ({@code edgeproxy_upstream_leased})
 */
record DataPath(Supplier<RouteTable> routes, OriginPool origins, GatewayMetrics metrics, AccessLog accessLog,
        Tracing tracing, LogThrottle invalidHeaderLog, long headTimeoutNanos, int maxConnections,
        AtomicInteger connections, LongAdder leased) {
}
