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
import java.util.Optional;

/**
 * The gateway configuration in force: the user's, or — when the user configures no routes and names
 * no configuration file — the built-in sample ({@code gateway-sample.yaml}).
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

    public EffectiveConfig(GatewayConfig configured,
            @ConfigProperty(name = "quarkus.config.locations") Optional<String> locations) {
        this.sample = configured.routes().map(java.util.List::isEmpty).orElse(true)
                && locations.map(String::isBlank).orElse(true);
        if (sample) {
            LOG.warnf("no gateway.routes configured: serving the built-in SAMPLE routes of %s, whose keys are "
                    + "public demo keys; point quarkus.config.locations at your own route file", SAMPLE_RESOURCE);
            this.effective = loadSample();
        } else {
            this.effective = configured;
        }
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
