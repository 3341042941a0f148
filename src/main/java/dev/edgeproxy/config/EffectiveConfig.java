package dev.edgeproxy.config;

import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.source.yaml.YamlConfigSource;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.List;
import java.util.Optional;

/**
 * The gateway configuration in force: the user's routes, or — only when none are configured, no
 * configuration file is named and {@code gateway.sample.enabled} is on (dev mode turns it on) — the
 * built-in sample ({@code gateway-sample.yaml}). Anything else without routes refuses to start: a proxy
 * that silently served demo routes with published keys, or nothing at all, would be worse than one that
 * does not start.
 *
 * <p>Why the sample is not simply part of {@code application.yaml}: SmallRye Config merges indexed
 * properties across sources entry by entry (and Quarkus records build-time values as run-time
 * defaults), so a user file with two routes over a sample with four would yield the user's two routes
 * patched with the sample's fields, plus the sample's last two. A route table must come whole from one
 * place, so the sample is read into a mapping of its own, from that one file only.
 */
@ApplicationScoped
public class EffectiveConfig {

    private static final Logger LOG = Logger.getLogger(EffectiveConfig.class);
    static final String SAMPLE_RESOURCE = "gateway-sample.yaml";

    private final GatewayConfig effective;
    private final boolean sample;

    /** @throws InvalidConfigException when no routes are configured and the sample is not to be used */
    public EffectiveConfig(GatewayConfig configured,
            @ConfigProperty(name = "quarkus.config.locations") Optional<String> locations) {
        boolean filesNamed = locations.map(l -> !l.isBlank()).orElse(false);
        this.sample = usesSample(configured, filesNamed);
        if (sample) {
            LOG.warnf("gateway.sample.enabled and no gateway.routes configured: serving the built-in SAMPLE routes of "
                    + "%s, whose keys are public demo keys; point quarkus.config.locations at your own route file",
                    SAMPLE_RESOURCE);
            this.effective = new SampleRoutes(loadSample(), configured);
        } else {
            this.effective = configured;
        }
    }

    /**
     * Whether the sample stands in for the configured routes; the one decision that startup and
     * {@code --validate-only} share.
     *
     * @param filesNamed whether {@code quarkus.config.locations} names any configuration
     * @throws InvalidConfigException when there are no routes and the sample is not to be used
     */
    public static boolean usesSample(GatewayConfig configured, boolean filesNamed) {
        if (!hasNoRoutes(configured)) {
            return false;
        }
        if (!filesNamed && configured.sample().enabled()) {
            return true;
        }
        throw new InvalidConfigException(List.of(noRoutesMessage(filesNamed)));
    }

    /** Whether {@code config} has no routes (also what makes a hot reload refuse a file emptied of routes). */
    public static boolean hasNoRoutes(GatewayConfig config) {
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

    public GatewayConfig get() {
        return effective;
    }

    public boolean isSample() {
        return sample;
    }

    /** The built-in sample, read from its own file only. */
    public static GatewayConfig loadSample() {
        URL url = Thread.currentThread().getContextClassLoader().getResource(SAMPLE_RESOURCE);
        if (url == null) {
            throw new IllegalStateException("the built-in " + SAMPLE_RESOURCE + " is missing from the application");
        }
        try {
            SmallRyeConfig config = new SmallRyeConfigBuilder()
                    .withSources(new YamlConfigSource(url))
                    .withMapping(GatewayConfig.class)
                    .withValidateUnknown(false)
                    .build();
            return config.getConfigMapping(GatewayConfig.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the built-in " + SAMPLE_RESOURCE, e);
        }
    }
}
