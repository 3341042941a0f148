package dev.edgeproxy.testing;

import dev.edgeproxy.config.GatewayConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.source.yaml.YamlConfigSource;

/** Binds YAML text through the real {@code @ConfigMapping}, as the application does with its files. */
public final class Configs {

    private Configs() {
    }

    public static GatewayConfig bind(String yaml) {
        return new SmallRyeConfigBuilder()
                .withSources(new YamlConfigSource("test", yaml))
                .withMapping(GatewayConfig.class)
                .withValidateUnknown(false)
                .build()
                .getConfigMapping(GatewayConfig.class);
    }
}
