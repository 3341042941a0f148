package dev.edgeproxy.compile;

import dev.edgeproxy.accesslog.AccessLog;
import dev.edgeproxy.cel.CelEnvironment;
import dev.edgeproxy.config.InvalidConfigException;
import dev.edgeproxy.config.ListenerSettings;
import dev.edgeproxy.config.LoadedConfig;
import dev.edgeproxy.config.ProxyLimits;
import dev.edgeproxy.crypto.SignatureProvider;
import dev.edgeproxy.jwt.jwks.JwksFetcher;
import dev.edgeproxy.proxy.OriginClient;
import dev.edgeproxy.route.RouteTable;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The one place a loaded configuration is judged and compiled, for startup, hot reload and
 * {@code --validate-only} alike: everything that can refuse a configuration is checked here, so the three
 * accept and refuse the same configurations.
 */
public final class GatewayCompiler {

    /**
     * A compiled configuration, ready to serve.
     *
     * @param loaded         what it was compiled from
     * @param table          the route table; its background work (remote JWKS refreshes) runs until {@link RouteTable#retire()}
     * @param accessLog      the access log of {@code gateway.accessLog}
     * @param limits         the checked {@code gateway.limits}
     * @param cryptoProvider the checked {@code edge-proxy.crypto.provider}: {@code auto} or {@code jdk}
     */
    public record Compiled(LoadedConfig loaded, RouteTable table, AccessLog accessLog, ProxyLimits limits,
            String cryptoProvider) {
    }

    private GatewayCompiler() {
    }

    /**
     * Checks the crypto provider setting, the listener's certificate files, the access log format and the limits,
     * then compiles the routes.
     * Nothing is installed: the caller decides what to put in force.
     *
     * @param fetcher gives the JWKS fetcher for the checked limits (called once, only when the limits are valid)
     * @param makers  gives what makes the origin clients, for the checked limits: called only when nothing else
     *                is wrong, so a refused configuration opens no client ({@link OriginClient.Maker#NONE} to
     *                open none at all)
     * @throws InvalidConfigException listing every problem found, each naming its route (or {@code gateway}) and
     *                                field; the crypto setting as {@code edge-proxy.crypto.provider: ...}
     */
    public static Compiled compile(LoadedConfig loaded, CelEnvironment cel, Function<ProxyLimits, JwksFetcher> fetcher,
            Function<ProxyLimits, OriginClient.Maker> makers) {
        List<String> problems = new ArrayList<>();
        String crypto = null;
        try {
            crypto = SignatureProvider.check(loaded.cryptoProvider());
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        problems.addAll(loaded.listenerCertificates().problems());
        ListenerSettings listener = null;
        try {
            listener = ListenerSettings.from(loaded.config().listener(), loaded.listenerCertificates());
        } catch (InvalidConfigException e) {
            problems.addAll(e.errors());
        }
        AccessLog accessLog = null;
        try {
            var config = loaded.config().accessLog();
            accessLog = AccessLog.create(config.enabled(), config.format(), config.output());
        } catch (InvalidConfigException e) {
            problems.addAll(e.errors());
        }
        ProxyLimits limits = null;
        RouteTable table = null;
        try {
            limits = ProxyLimits.from(loaded.config().limits());
            OriginClient.Maker maker = problems.isEmpty() ? makers.apply(limits) : OriginClient.Maker.NONE;
            table = RouteCompiler.compile(loaded.config(), cel, fetcher.apply(limits), maker);
            if (listener != null && listener.dataPath().equals("netty")) {
                problems.addAll(DataPathScope.unserved(table, loaded.config().listener()));
            }
        } catch (InvalidConfigException e) {
            // Bad limits are reported once: the route compiler would only repeat them.
            problems.addAll(e.errors());
        }
        if (!problems.isEmpty()) {
            if (table != null) {
                table.retire();
            }
            throw new InvalidConfigException(problems);
        }
        return new Compiled(loaded, table, accessLog, limits, crypto);
    }
}
