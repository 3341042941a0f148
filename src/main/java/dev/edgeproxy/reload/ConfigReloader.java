package dev.edgeproxy.reload;

import dev.edgeproxy.compile.RouteTables;
import dev.edgeproxy.config.InvalidConfigException;
import dev.edgeproxy.config.LoadedConfig;
import dev.edgeproxy.config.WatchedFiles;
import dev.edgeproxy.metrics.GatewayMetrics;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.util.List;

/**
 * Hot reload in production: when a route file (from {@code quarkus.config.locations}) or a
 * {@code jwks.file} changes, {@link RouteTables#reload()} reads the whole configuration again, compiles a
 * complete new route table and swaps it in atomically. An invalid change is refused: the error is logged
 * with route and field, and the routes in force stay as they were. Kubernetes ConfigMap updates (a symlink
 * swap) are changes like any other; {@link FileWatcher} says how they are seen.
 *
 * <p>Reloads run on the watcher thread, never on an event loop: compiling may read files and fetch
 * remote JWKS.
 */
@ApplicationScoped
public class ConfigReloader {

    private static final Logger LOG = Logger.getLogger(ConfigReloader.class);

    private final RouteTables routes;
    private final GatewayMetrics metrics;
    private FileWatcher watcher;

    public ConfigReloader(RouteTables routes, GatewayMetrics metrics) {
        this.routes = routes;
        this.metrics = metrics;
    }

    void start(@Observes StartupEvent event) {
        LoadedConfig current = routes.compiled().loaded();
        boolean enabled = current.config().reload().enabled();
        if (!enabled || current.sample() || current.files().isEmpty()) {
            LOG.debugf("configuration reload off (enabled=%s, sample=%s, files=%s)", enabled, current.sample(),
                    current.files());
            return;
        }
        List<Path> watched = WatchedFiles.of(current.files(), current.config());
        watcher = new FileWatcher(watched, this::reload);
        LOG.infof("watching %s for configuration changes", watched);
    }

    void stop(@Observes ShutdownEvent event) {
        if (watcher != null) {
            watcher.close();
        }
    }

    /** Puts the configuration as the files say now in force, or refuses it when invalid. */
    public synchronized boolean reload() {
        try {
            LoadedConfig fresh = routes.reload();
            metrics.configReload(true);
            if (watcher != null) {
                watcher.watch(WatchedFiles.of(fresh.files(), fresh.config()));
            }
            LOG.infof("configuration reloaded: %d routes in force", routes.current().routes().size());
            return true;
        } catch (InvalidConfigException e) {
            metrics.configReload(false);
            LOG.errorf("configuration change refused; the previous routes stay in force.%n%s", e.getMessage());
        } catch (RuntimeException e) {
            metrics.configReload(false);
            LOG.errorf("configuration change refused; the previous routes stay in force: %s",
                    e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
        return false;
    }
}
