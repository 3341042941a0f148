package dev.edgeproxy.testing;

import dev.edgeproxy.config.EmptyListInterceptor;
import dev.edgeproxy.config.GatewayConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.source.yaml.YamlConfigSource;

/**
 * Binds YAML text through the real {@code @ConfigMapping} and the application's config interceptor for
 * empty lists, as the application does with its files.
 */
public final class Configs {

    private Configs() {
    }

    public static GatewayConfig bind(String yaml) {
        return new SmallRyeConfigBuilder()
                .withSources(new YamlConfigSource("test", yaml))
                .withInterceptors(new EmptyListInterceptor())
                .withMapping(GatewayConfig.class)
                .withValidateUnknown(false)
                .build()
                .getConfigMapping(GatewayConfig.class);
    }

    /**
     * As {@link #bind}, and with unknown {@code gateway.*} keys refused as Quarkus refuses them at
     * startup ({@code SRCFG00050}).
     *
     * @throws io.smallrye.config.ConfigValidationException for an unknown key
     */
    public static GatewayConfig bindAsAtStartup(String yaml) {
        return new SmallRyeConfigBuilder()
                .withSources(new YamlConfigSource("test", yaml))
                .withInterceptors(new EmptyListInterceptor())
                .withMapping(GatewayConfig.class)
                .build()
                .getConfigMapping(GatewayConfig.class);
    }
}
