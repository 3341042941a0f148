package dev.edgeproxy.config;

import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.eclipse.microprofile.config.spi.ConfigSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the {@code gateway} configuration again, as it is now: every configuration source the
 * application started with is kept (system properties, environment, overrides, defaults, in that same
 * order), except that each source read from one of the given files is replaced by a fresh read of that
 * file. A route file that shrank therefore shrinks the route table: nothing of its old content stays.
 */
public final class ConfigRereader {

    private static final Pattern FILE_SOURCE = Pattern.compile("source=(file:[^\\]]+)\\]");

    private ConfigRereader() {
    }

    /**
     * @param current the application's configuration, as started
     * @param files   absolute, normalized paths of the files to read again
     * @throws UncheckedIOException when a file cannot be read
     * @throws RuntimeException     from SmallRye when the content does not bind (for example a misspelt key)
     */
    public static GatewayConfig reread(SmallRyeConfig current, List<Path> files) {
        List<ConfigSource> sources = new ArrayList<>();
        for (ConfigSource source : current.getConfigSources()) {
            Path file = fileOf(source);
            sources.add(file != null && files.contains(file) ? read(file, source.getOrdinal()) : source);
        }
        return new SmallRyeConfigBuilder()
                .addDefaultInterceptors() // profiles (%dev.) and ${...} expressions, as at startup
                .withInterceptors(new EmptyListInterceptor())
                .withSources(sources)
                .withProfiles(current.getProfiles())
                .withMapping(GatewayConfig.class)
                .build()
                .getConfigMapping(GatewayConfig.class);
    }

    private static Path fileOf(ConfigSource source) {
        String name = source.getName();
        if (name == null) {
            return null;
        }
        Matcher m = FILE_SOURCE.matcher(name);
        if (!m.find()) {
            return null;
        }
        try {
            return Path.of(new java.net.URI(m.group(1))).toAbsolutePath().normalize();
        } catch (java.net.URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }

    private static ConfigSource read(Path file, int ordinal) {
        try {
            return ConfigFiles.source(file, ordinal);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
