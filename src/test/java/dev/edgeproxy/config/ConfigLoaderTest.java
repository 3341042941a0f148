package dev.edgeproxy.config;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link ConfigLoader} over an application's sources: the sample decision, and what a reload reads again. */
class ConfigLoaderTest {

    @TempDir
    Path tmp;

    private static String route(String name) {
        return """
                gateway:
                  routes:
                    - name: %s
                      backends: [{host: "127.0.0.1:8081"}]
                """.formatted(name);
    }

    /** An application configuration as Quarkus would have it: the given sources, then {@code properties} on top. */
    private static SmallRyeConfig application(Map<String, String> properties, ConfigSource... files) {
        List<ConfigSource> sources = new ArrayList<>(List.of(files));
        sources.add(new PropertiesConfigSource(properties, "overrides", 400));
        return new SmallRyeConfigBuilder().withSources(sources).build();
    }

    private static List<String> names(LoadedConfig loaded) {
        return loaded.config().routes().orElseThrow().stream().map(r -> r.name().orElseThrow()).toList();
    }

    @Test
    void sampleStandsInOnlyWithoutRoutesAndFilesWhenEnabled() {
        LoadedConfig loaded = ConfigLoader.of(application(Map.of("gateway.sample.enabled", "true"))).load();
        assertTrue(loaded.sample());
        assertEquals(List.of("public", "admin", "api", "hello"), names(loaded));
        assertEquals(List.of(), loaded.files());
        assertEquals("auto", loaded.cryptoProvider());

        InvalidConfigException none = assertThrows(InvalidConfigException.class,
                () -> ConfigLoader.of(application(Map.of())).load());
        assertEquals(List.of(ConfigLoader.noRoutesMessage(false)), none.errors());
    }

    @Test
    void namedFileWithoutRoutesIsRefusedEvenWithTheSampleEnabled() throws Exception {
        Path file = Files.writeString(tmp.resolve("gateway.yaml"), "gateway:\n  routes: []\n");
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> ConfigLoader.of(application(
                Map.of("gateway.sample.enabled", "true", "quarkus.config.locations", file.toString()),
                ConfigFiles.source(file, 260))).load());
        assertEquals(List.of(ConfigLoader.noRoutesMessage(true)), e.errors());
    }

    @Test
    void unreadableFileIsRefusedByName() {
        Path missing = tmp.resolve("missing.yaml");
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> ConfigLoader.of(application(
                Map.of("quarkus.config.locations", missing.toString()))).load());
        assertEquals(List.of("quarkus.config.locations: cannot read " + missing), e.errors());
    }

    @Test
    void userRoutesAndCryptoSettingAreLoaded() throws Exception {
        Path file = Files.writeString(tmp.resolve("gateway.yaml"), route("mine"));
        LoadedConfig loaded = ConfigLoader.of(application(
                Map.of("quarkus.config.locations", file.toString(), "edge-proxy.crypto.provider", "jdk"),
                ConfigFiles.source(file, 260))).load();
        assertFalse(loaded.sample());
        assertEquals(List.of("mine"), names(loaded));
        assertEquals(List.of(file.toAbsolutePath().normalize()), loaded.files());
        assertEquals("jdk", loaded.cryptoProvider());
    }

    @Test
    void reloadReadsTheNamedFilesAgainAndKeepsEveryOtherSource() throws Exception {
        Path routes = Files.writeString(tmp.resolve("gateway.yaml"), route("first"));
        // A file source that quarkus.config.locations does not name: not the loader's to read again.
        Path other = Files.writeString(tmp.resolve("other.yaml"), "gateway:\n  explain:\n    enabled: true\n");
        ConfigLoader loader = ConfigLoader.of(application(
                Map.of("quarkus.config.locations", routes.toString(), "gateway.accessLog.format", "json"),
                ConfigFiles.source(routes, 260), ConfigFiles.source(other, 250)));
        assertEquals(List.of("first"), names(loader.load()));

        Files.writeString(routes, route("second"));
        Files.writeString(other, "gateway:\n  explain:\n    enabled: false\n");
        LoadedConfig reloaded = loader.reload();

        assertEquals(List.of("second"), names(reloaded), "the named file is read again, whole");
        assertTrue(reloaded.config().explain().enabled(), "a source not named by quarkus.config.locations is kept as read");
        assertEquals("json", reloaded.config().accessLog().format(), "the overrides are kept");
    }

    @Test
    void reloadRefusesAFileEmptiedOfRoutes() throws Exception {
        Path routes = Files.writeString(tmp.resolve("gateway.yaml"), route("first"));
        ConfigLoader loader = ConfigLoader.of(application(Map.of("quarkus.config.locations", routes.toString()),
                ConfigFiles.source(routes, 260)));
        Files.writeString(routes, "gateway:\n  routes: []\n");
        InvalidConfigException e = assertThrows(InvalidConfigException.class, loader::reload);
        assertTrue(e.errors().get(0).startsWith("gateway.routes: no routes left in"), e::getMessage);
    }
}
