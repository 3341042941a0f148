package dev.edgeproxy.compile;

import dev.edgeproxy.config.ConfigFiles;
import dev.edgeproxy.config.InvalidConfigException;
import dev.edgeproxy.config.SampleRoutes;
import dev.edgeproxy.config.EffectiveConfig;
import dev.edgeproxy.config.GatewayConfig;
import dev.edgeproxy.config.EmptyListInterceptor;
import dev.edgeproxy.config.ProxyLimits;
import dev.edgeproxy.cel.CelEnvironment;
import dev.edgeproxy.jwt.JwksFetcher;
import dev.edgeproxy.route.Route;
import dev.edgeproxy.route.RouteTable;
import io.smallrye.config.ConfigValidationException;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.source.yaml.YamlConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSource;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code --validate-only}: reads the configuration the way the proxy would (system properties,
 * environment, the files of {@code quarkus.config.locations}, the built-in {@code application.yaml}),
 * compiles it — reading JWKS files and fetching JWKS URLs — and reports, without starting the
 * application or binding any port.
 */
public final class ConfigValidator {

    /** Above the built-in application.yaml (255), as Quarkus orders location files. */
    private static final int LOCATION_ORDINAL = 260;

    private ConfigValidator() {
    }

    /** @return the process exit code: 0 when valid, 1 when not */
    public static int run(PrintStream out, PrintStream err) {
        String locations = System.getProperty("quarkus.config.locations", System.getenv("QUARKUS_CONFIG_LOCATIONS"));
        List<Path> files = ConfigFiles.of(locations);
        for (Path file : files) {
            if (!Files.isReadable(file)) {
                err.println("configuration invalid: cannot read " + file);
                return 1;
            }
        }
        GatewayConfig config;
        try {
            config = read(files);
        } catch (ConfigValidationException e) {
            err.println("configuration invalid:");
            for (int i = 0; i < e.getProblemCount(); i++) {
                err.println("  - " + e.getProblem(i).getMessage());
            }
            return 1;
        } catch (InvalidConfigException e) {
            err.println(e.getMessage().replaceFirst("^invalid gateway configuration", "configuration invalid"));
            return 1;
        } catch (RuntimeException | IOException e) {
            err.println("configuration invalid: " + e.getMessage());
            return 1;
        }
        try (JwksFetcher fetcher = new JwksFetcher(ProxyLimits.from(config.limits()).jwksMaxBytes())) {
            // The same choice as at startup: no routes refuses, unless the sample is explicitly enabled.
            boolean sample = EffectiveConfig.usesSample(config, locations != null && !locations.isBlank());
            if (sample) {
                config = new SampleRoutes(EffectiveConfig.loadSample(), config);
            }
            RouteTable table = RouteCompiler.compile(config, new CelEnvironment(), fetcher);
            table.retire();
            out.println("configuration valid: " + table.routes().size() + " routes ("
                    + table.routes().stream().map(Route::name).collect(Collectors.joining(", ")) + ")"
                    + (sample ? " from the built-in sample" : " from " + files));
            return 0;
        } catch (InvalidConfigException e) {
            err.println(e.getMessage().replaceFirst("^invalid gateway configuration", "configuration invalid"));
            return 1;
        }
    }

    private static GatewayConfig read(List<Path> files) throws IOException {
        List<ConfigSource> sources = new ArrayList<>();
        for (Path file : files) {
            sources.add(ConfigFiles.source(file, LOCATION_ORDINAL));
        }
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        for (String name : List.of("application.yaml", "application.yml")) {
            Enumeration<URL> found = loader.getResources(name);
            while (found.hasMoreElements()) {
                sources.add(new YamlConfigSource(found.nextElement(), 255));
            }
        }
        Enumeration<URL> props = loader.getResources("application.properties");
        while (props.hasMoreElements()) {
            sources.add(new PropertiesConfigSource(props.nextElement(), 250));
        }
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .addDefaultInterceptors()
                .withInterceptors(new EmptyListInterceptor())
                .addDefaultSources()
                .withSources(sources)
                .withProfile(System.getProperty("quarkus.profile", "prod"))
                .withMapping(GatewayConfig.class)
                .build();
        return config.getConfigMapping(GatewayConfig.class);
    }
}
