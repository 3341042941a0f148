package dev.edgeproxy.config;

import io.smallrye.config.ConfigValidationException;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.source.yaml.YamlConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one way the gateway configuration is read: at startup, on every hot reload and by
 * {@code --validate-only}. A loader holds a list of configuration sources and a profile; {@link #load()}
 * binds them into {@link GatewayConfig} with the interceptors Quarkus uses (profiles, {@code ${...}}
 * expressions, {@link EmptyListInterceptor}), refusing unknown {@code gateway.*} keys, and then decides
 * between the user's routes and the built-in sample.
 *
 * <p>The sources come from one of two places:
 * <ul>
 *   <li>{@link #of(SmallRyeConfig)}: the running application's own sources, in Quarkus' order. Startup
 *       binds them as they are; {@link #reload()} binds them with each source that was read from a named
 *       file replaced by a fresh read of that file, so a route file that shrank shrinks the table.</li>
 *   <li>{@link #standalone()}: for {@code --validate-only}, without Quarkus: system properties, the
 *       environment, the files of {@code quarkus.config.locations} and the built-in
 *       {@code application.yaml}/{@code application.properties}, with Quarkus' ordinals.</li>
 * </ul>
 *
 * <p>Why the sample is not simply part of {@code application.yaml}: SmallRye Config merges indexed
 * properties across sources entry by entry (and Quarkus records build-time values as run-time defaults),
 * so a user file with two routes over a sample with four would yield the user's two routes patched with
 * the sample's fields, plus the sample's last two. A route table must come whole from one place, so the
 * sample is read into a mapping of its own, from that one file only.
 */
public final class ConfigLoader {

    private static final Logger LOG = Logger.getLogger(ConfigLoader.class);

    static final String SAMPLE_RESOURCE = "gateway-sample.yaml";
    static final String LOCATIONS = "quarkus.config.locations";
    static final String CRYPTO_PROVIDER = "edge-proxy.crypto.provider";

    /** Above the built-in application.yaml (255), as Quarkus orders location files. */
    private static final int LOCATION_ORDINAL = 260;

    /**
     * How a file source names its file. SmallRye's {@link ConfigSource} exposes only a name, an ordinal and
     * the properties, so the name ({@code YamlConfigSource[source=file:/etc/edge/gateway.yaml]}, the same for
     * Quarkus' location loader and ours) is the only handle on where a source was read from.
     */
    private static final Pattern FILE_SOURCE = Pattern.compile("source=(file:[^\\]]+)\\]");

    private final List<ConfigSource> sources;
    private final List<String> profiles;
    private final String locations;
    /** Whether system properties and the environment are to be added (standalone: no application to take them from). */
    private final boolean addDefaultSources;

    private ConfigLoader(List<ConfigSource> sources, List<String> profiles, String locations, boolean addDefaultSources) {
        this.sources = List.copyOf(sources);
        this.profiles = List.copyOf(profiles);
        this.locations = locations;
        this.addDefaultSources = addDefaultSources;
    }

    /** A loader over the running application's configuration sources and profiles. */
    public static ConfigLoader of(SmallRyeConfig application) {
        List<ConfigSource> sources = new ArrayList<>();
        application.getConfigSources().forEach(sources::add);
        return new ConfigLoader(sources, application.getProfiles(),
                application.getOptionalValue(LOCATIONS, String.class).orElse(null), false);
    }

    /**
     * A loader that reads the configuration as the packaged application would, without starting it:
     * system properties, environment, the files of {@code quarkus.config.locations} and the built-in
     * {@code application.yaml}/{@code .yml}/{@code .properties}; the profile is {@code quarkus.profile}
     * ({@code prod} when unset).
     *
     * @throws InvalidConfigException when a named file cannot be read
     */
    public static ConfigLoader standalone() {
        String locations = System.getProperty(LOCATIONS, System.getenv("QUARKUS_CONFIG_LOCATIONS"));
        List<ConfigSource> sources = new ArrayList<>();
        for (Path file : readable(ConfigFiles.of(locations))) {
            sources.add(read(file, LOCATION_ORDINAL));
        }
        try {
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
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the built-in configuration", e);
        }
        return new ConfigLoader(sources, List.of(System.getProperty("quarkus.profile", "prod")), locations, true);
    }

    /**
     * The configuration as the sources say.
     *
     * @throws InvalidConfigException     when a named file cannot be read, or there are no routes and the
     *                                    sample is not to be used
     * @throws ConfigValidationException from SmallRye when the content does not bind (a misspelt key, a
     *                                    value of the wrong type)
     */
    public LoadedConfig load() {
        List<Path> files = readable(ConfigFiles.of(locations));
        SmallRyeConfig config = bind(sources);
        GatewayConfig configured = config.getConfigMapping(GatewayConfig.class);
        boolean sample = usesSample(configured, locations != null && !locations.isBlank());
        if (sample) {
            LOG.warnf("gateway.sample.enabled and no gateway.routes configured: serving the built-in SAMPLE routes of "
                    + "%s, whose keys are public demo keys; point quarkus.config.locations at your own route file",
                    SAMPLE_RESOURCE);
        }
        return new LoadedConfig(sample ? new SampleRoutes(loadSample(), configured) : configured, sample, files,
                config.getOptionalValue(CRYPTO_PROVIDER, String.class).orElse("auto"), ListenerCertificates.of(config));
    }

    /**
     * The configuration as it is now: the same sources, each one read from a named file read again. A
     * reload never switches to the sample: a file emptied of routes is refused.
     *
     * @throws InvalidConfigException     when a named file cannot be read or has no routes left
     * @throws ConfigValidationException from SmallRye when the content does not bind
     */
    public LoadedConfig reload() {
        List<Path> files = readable(ConfigFiles.of(locations));
        List<ConfigSource> fresh = new ArrayList<>();
        for (ConfigSource source : sources) {
            Path file = fileOf(source);
            fresh.add(file != null && files.contains(file) ? read(file, source.getOrdinal()) : source);
        }
        SmallRyeConfig config = bind(fresh);
        GatewayConfig configured = config.getConfigMapping(GatewayConfig.class);
        if (hasNoRoutes(configured)) {
            throw new InvalidConfigException(List.of("gateway.routes: no routes left in " + files));
        }
        return new LoadedConfig(configured, false, files,
                config.getOptionalValue(CRYPTO_PROVIDER, String.class).orElse("auto"),
                ListenerCertificates.of(config).withoutFiles());
    }

    /**
     * The TLS listener's PEM files as the sources name them, without binding (or judging) the routes: what
     * {@code EdgeProxyMain} checks before Quarkus reads those files itself.
     */
    public ListenerCertificates listenerCertificates() {
        return ListenerCertificates.of(builder(sources).build());
    }

    private SmallRyeConfig bind(List<ConfigSource> from) {
        return builder(from).withMapping(GatewayConfig.class).build();
    }

    private SmallRyeConfigBuilder builder(List<ConfigSource> from) {
        SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder()
                .addDefaultInterceptors() // profiles (%dev.) and ${...} expressions, as Quarkus has them
                .withInterceptors(new EmptyListInterceptor())
                .withSources(from)
                .withProfiles(profiles);
        if (addDefaultSources) {
            builder.addDefaultSources();
        }
        return builder;
    }

    /**
     * Whether the sample stands in for the configured routes: only when there are none, no configuration
     * file is named and {@code gateway.sample.enabled} is on (dev mode turns it on). Anything else without
     * routes is refused: a proxy that silently served demo routes with published keys, or nothing at all,
     * would be worse than one that does not start.
     *
     * @param filesNamed whether {@code quarkus.config.locations} names any configuration
     * @throws InvalidConfigException when there are no routes and the sample is not to be used
     */
    static boolean usesSample(GatewayConfig configured, boolean filesNamed) {
        if (!hasNoRoutes(configured)) {
            return false;
        }
        if (!filesNamed && configured.sample().enabled()) {
            return true;
        }
        throw new InvalidConfigException(List.of(noRoutesMessage(filesNamed)));
    }

    static boolean hasNoRoutes(GatewayConfig config) {
        return config.routes().map(List::isEmpty).orElse(true);
    }

    /** Says how to give routes: the operator reading it has just seen the proxy refuse to start. */
    static String noRoutesMessage(boolean filesNamed) {
        return "gateway.routes: no routes configured"
                + (filesNamed ? " in the files named by quarkus.config.locations" : "")
                + ". Name your route file with -Dquarkus.config.locations=/path/gateway.yaml (or the environment"
                + " variable QUARKUS_CONFIG_LOCATIONS=/path/gateway.yaml), or run the built-in sample routes"
                + " explicitly with -Dgateway.sample.enabled=true (or GATEWAY_SAMPLE_ENABLED=true, without"
                + " quarkus.config.locations); see the README, \"Running it\"";
    }

    /** The built-in sample, read from its own file only. */
    static GatewayConfig loadSample() {
        URL url = Thread.currentThread().getContextClassLoader().getResource(SAMPLE_RESOURCE);
        if (url == null) {
            throw new IllegalStateException("the built-in " + SAMPLE_RESOURCE + " is missing from the application");
        }
        try {
            return new SmallRyeConfigBuilder()
                    .withSources(new YamlConfigSource(url))
                    .withMapping(GatewayConfig.class)
                    .withValidateUnknown(false)
                    .build()
                    .getConfigMapping(GatewayConfig.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the built-in " + SAMPLE_RESOURCE, e);
        }
    }

    private static List<Path> readable(List<Path> files) {
        for (Path file : files) {
            if (!Files.isReadable(file)) {
                throw new InvalidConfigException(List.of(LOCATIONS + ": cannot read " + file));
            }
        }
        return files;
    }

    private static ConfigSource read(Path file, int ordinal) {
        try {
            return ConfigFiles.source(file, ordinal);
        } catch (IOException e) {
            throw new InvalidConfigException(List.of(LOCATIONS + ": cannot read " + file + " (" + e.getMessage() + ")"));
        }
    }

    /** The file a source was read from, absolute and normalized, or {@code null} when it was not read from a file. */
    static Path fileOf(ConfigSource source) {
        String name = source.getName();
        Matcher m = name == null ? null : FILE_SOURCE.matcher(name);
        if (m == null || !m.find()) {
            return null;
        }
        try {
            return Path.of(new URI(m.group(1))).toAbsolutePath().normalize();
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }
}
