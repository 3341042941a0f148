package dev.edgeproxy.config;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.source.yaml.YamlConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSource;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The configuration files named by {@code quarkus.config.locations}: a comma-separated list of files
 * or directories (a directory stands for the {@code .yaml}, {@code .yml} and {@code .properties} files
 * in it). Classpath and remote locations are not files and are left out.
 */
public final class ConfigFiles {

    private ConfigFiles() {
    }

    public static List<Path> of(String locations) {
        List<Path> files = new ArrayList<>();
        if (locations == null || locations.isBlank()) {
            return files;
        }
        for (String raw : locations.split(",")) {
            String location = raw.strip();
            if (location.isEmpty() || location.startsWith("classpath:") || location.startsWith("jar:")
                    || location.startsWith("http:") || location.startsWith("https:")) {
                continue;
            }
            Path path = Path.of(location.startsWith("file:") ? location.substring("file:".length()) : location)
                    .toAbsolutePath().normalize();
            if (Files.isDirectory(path)) {
                try (Stream<Path> children = Files.list(path)) {
                    children.filter(ConfigFiles::isConfigFile).sorted().forEach(files::add);
                } catch (IOException e) {
                    // an unreadable directory contributes nothing; Quarkus reports it at startup
                }
            } else {
                files.add(path);
            }
        }
        return files;
    }

    /** {@code file} as a configuration source: properties by extension, YAML otherwise. */
    public static ConfigSource source(Path file, int ordinal) throws IOException {
        URL url = file.toUri().toURL();
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".properties") ? new PropertiesConfigSource(url, ordinal) : new YamlConfigSource(url, ordinal);
    }

    static boolean isConfigFile(Path path) {
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        return !name.startsWith(".") && (name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".properties"));
    }
}
