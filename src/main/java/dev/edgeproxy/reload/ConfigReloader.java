package dev.edgeproxy.reload;

import dev.edgeproxy.cel.CelEnvironment;
import dev.edgeproxy.config.ConfigFiles;
import dev.edgeproxy.config.ConfigRereader;
import dev.edgeproxy.config.EffectiveConfig;
import dev.edgeproxy.config.GatewayConfig;
import dev.edgeproxy.config.InvalidConfigException;
import dev.edgeproxy.compile.RouteCompiler;
import dev.edgeproxy.config.WatchedFiles;
import dev.edgeproxy.server.GatewayRoutes;
import dev.edgeproxy.metrics.GatewayMetrics;
import dev.edgeproxy.route.RouteTable;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.config.SmallRyeConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Hot reload in production: when a route file (from {@code quarkus.config.locations}) or a
 * {@code jwks.file} changes, the whole configuration is read again, compiled into a complete new route
 * table, and swapped in atomically. An invalid change is refused: the error is logged with route and
 * field, and the routes in force stay as they were. Kubernetes ConfigMap updates (a symlink swap) are
 * changes like any other.
 *
 * <p>Reloads run on the watcher thread, never on an event loop: compiling may read files and fetch
 * remote JWKS.
 */
@ApplicationScoped
public class ConfigReloader {

    private static final Logger LOG = Logger.getLogger(ConfigReloader.class);

    private final GatewayRoutes routes;
    private final EffectiveConfig effective;
    private final SmallRyeConfig config;
    private final List<Path> configFiles;
    private final CelEnvironment cel = new CelEnvironment();
    private final GatewayMetrics metrics;
    private FileWatcher watcher;

    public ConfigReloader(GatewayRoutes routes, EffectiveConfig effective, Config config, GatewayMetrics metrics,
            @ConfigProperty(name = "quarkus.config.locations") Optional<String> locations) {
        this.routes = routes;
        this.metrics = metrics;
        this.effective = effective;
        this.config = config.unwrap(SmallRyeConfig.class);
        this.configFiles = ConfigFiles.of(locations.orElse(null));
    }

    void start(@Observes StartupEvent event) throws IOException {
        GatewayConfig current = effective.get();
        if (!current.reload().enabled() || effective.isSample() || configFiles.isEmpty()) {
            LOG.debugf("configuration reload off (enabled=%s, sample=%s, files=%s)",
                    current.reload().enabled(), effective.isSample(), configFiles);
            return;
        }
        List<Path> watched = WatchedFiles.of(configFiles, current);
        watcher = new FileWatcher(watched, this::reload);
        LOG.infof("watching %s for configuration changes", watched);
    }

    void stop(@Observes ShutdownEvent event) {
        if (watcher != null) {
            watcher.close();
        }
    }

    /** Reads, compiles and swaps in the configuration as the files say now; refuses it when invalid. */
    public synchronized boolean reload() {
        try {
            GatewayConfig fresh = ConfigRereader.reread(config, configFiles);
            if (EffectiveConfig.hasNoRoutes(fresh)) {
                // As at startup: a proxy without routes is a mistake, never a state to switch to.
                throw new InvalidConfigException(List.of("gateway.routes: no routes left in " + configFiles));
            }
            RouteTable next = RouteCompiler.compile(fresh, cel, routes.fetcher());
            routes.replace(next);
            metrics.configReload(true);
            if (watcher != null) {
                watcher.watch(WatchedFiles.of(configFiles, fresh));
            }
            LOG.infof("configuration reloaded: %d routes in force", next.routes().size());
            return true;
        } catch (InvalidConfigException e) {
            metrics.configReload(false);
            LOG.errorf("configuration change refused; the previous routes stay in force.%n%s", e.getMessage());
        } catch (RuntimeException | IOException e) {
            metrics.configReload(false);
            LOG.errorf("configuration change refused; the previous routes stay in force: %s",
                    e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
        return false;
    }
}
