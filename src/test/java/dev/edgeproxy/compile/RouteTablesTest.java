package dev.edgeproxy.compile;

import dev.edgeproxy.config.ConfigFiles;
import dev.edgeproxy.config.ConfigLoader;
import dev.edgeproxy.config.InvalidConfigException;
import dev.edgeproxy.metrics.GatewayMetrics;
import dev.edgeproxy.route.Route;
import dev.edgeproxy.route.RouteTable;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link RouteTables}: compiles at creation, swaps on a valid reload, keeps the table in force on a refused one. */
class RouteTablesTest {

    @TempDir
    Path tmp;

    private RouteTables tables;

    @AfterEach
    void close() {
        if (tables != null) {
            tables.close();
        }
    }

    private static String route(String name) {
        return """
                gateway:
                  routes:
                    - name: %s
                      backends: [{host: "127.0.0.1:8081"}]
                """.formatted(name);
    }

    private RouteTables over(Path file, Map<String, String> properties) throws Exception {
        var config = new SmallRyeConfigBuilder()
                .withSources(ConfigFiles.source(file, 260), new PropertiesConfigSource(properties, "overrides", 400))
                .build();
        return new RouteTables(ConfigLoader.of(config), new GatewayMetrics(new SimpleMeterRegistry()), null);
    }

    private static List<String> names(RouteTable table) {
        return table.routes().stream().map(Route::name).toList();
    }

    @Test
    void refusedReloadKeepsTheTableInForceAndAValidOneSwapsIt() throws Exception {
        Path file = Files.writeString(tmp.resolve("gateway.yaml"), route("first"));
        tables = over(file, Map.of("quarkus.config.locations", file.toString()));
        RouteTable first = tables.current();
        assertEquals(List.of("first"), names(first));

        Files.writeString(file, route("broken") + "      policies: {jwtAuth: {mode: sometimes, issuer: x, jwks: {inline: '{\"keys\":[]}'}}}\n");
        InvalidConfigException e = assertThrows(InvalidConfigException.class, tables::reload);
        assertTrue(e.getMessage().contains("route 'broken': policies.jwtAuth.mode"), e::getMessage);
        assertSame(first, tables.current(), "the refused change leaves the table in force");

        Files.writeString(file, route("second"));
        tables.reload();
        assertEquals(List.of("second"), names(tables.current()));
    }

    @Test
    void theNettyDataPathRefusesWhatItDoesNotServeYetAtStartupAndOnReload() throws Exception {
        String unserved = """
                gateway:
                  routes:
                    - name: chat
                      websocket: true
                      backends: [{host: "127.0.0.1:8081"}]
                    - name: grpc
                      backends: [{host: "127.0.0.1:8082", protocol: http2}]
                """;
        Path file = Files.writeString(tmp.resolve("gateway.yaml"), unserved);
        Map<String, String> netty = Map.of("quarkus.config.locations", file.toString(), "gateway.listener.dataPath", "netty",
                "gateway.listener.h2c", "true");
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> over(file, netty).current());
        assertEquals(List.of(
                "gateway: listener.h2c: HTTP/2 is not served by gateway.listener.dataPath netty yet (use vertx)",
                "route 'chat': websocket: a WebSocket tunnel is not served by gateway.listener.dataPath netty yet (use vertx)",
                "route 'grpc': backends[0]: an origin with tls or protocol http2 is not served by gateway.listener.dataPath "
                        + "netty yet (use vertx)"), e.errors());
        // The same routes on the Vert.x data path start.
        tables = over(file, Map.of("quarkus.config.locations", file.toString()));
        assertEquals(List.of("chat", "grpc"), names(tables.current()));
        tables.close();

        Files.writeString(file, route("plain"));
        tables = over(file, Map.of("quarkus.config.locations", file.toString(), "gateway.listener.dataPath", "netty"));
        assertEquals(List.of("plain"), names(tables.current()));
        Files.writeString(file, unserved);
        InvalidConfigException reload = assertThrows(InvalidConfigException.class, tables::reload);
        assertTrue(reload.getMessage().contains("route 'chat': websocket"), reload::getMessage);
        assertEquals(List.of("plain"), names(tables.current()), "the refused reload leaves the table in force");
    }

    @Test
    void everySettingStartupChecksIsReportedTogether() throws Exception {
        Path file = Files.writeString(tmp.resolve("gateway.yaml"), route("nowhere").replace("127.0.0.1:8081", "just-a-host"));
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> over(file, Map.of(
                "quarkus.config.locations", file.toString(),
                "edge-proxy.crypto.provider", "bogus",
                "gateway.accessLog.format", "xml")));
        assertEquals(3, e.errors().size(), e::getMessage);
        assertTrue(e.errors().get(0).startsWith("edge-proxy.crypto.provider: must be auto or jdk"), e::getMessage);
        assertTrue(e.errors().get(1).startsWith("gateway.accessLog.format: unknown format 'xml'"), e::getMessage);
        assertTrue(e.errors().get(2).startsWith("route 'nowhere': backends[0].host:"), e::getMessage);
    }
}
