package dev.edgeproxy.config;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@code gateway.listener}'s TLS settings as startup checks them; each refusal names the field. */
class ListenerSettingsTest {

    private static ListenerSettings settings(Map<String, String> properties) {
        Map<String, String> all = new HashMap<>(properties);
        var config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(all, "test", 500))
                .withMapping(GatewayConfig.class)
                .build();
        return ListenerSettings.from(config.getConfigMapping(GatewayConfig.class).listener(),
                ListenerCertificates.of(config));
    }

    private static List<String> refusal(Map<String, String> properties) {
        return assertThrows(InvalidConfigException.class, () -> settings(properties)).errors();
    }

    @Test
    void defaultsAreNoClientCertificatesAReadEveryMinuteAndTheBestEngine() {
        assertEquals(new ListenerSettings("none", Duration.ofMinutes(1), "auto", "vertx"), settings(Map.of()));
    }

    @Test
    void clientCertificatesNeedATrustStore() {
        assertEquals(List.of("gateway: listener.clientAuth: request needs the CA certificates that client certificates "
                + "are verified against: quarkus.tls.trust-store.pem.certs (or another quarkus.tls.trust-store.*)"),
                refusal(Map.of("gateway.listener.clientAuth", "request")));
        assertEquals("required", settings(Map.of("gateway.listener.clientAuth", "Required",
                "quarkus.tls.trust-store.pem.certs", "/etc/ca.pem")).clientAuth());
        // Trusting every certificate would make any client certificate a verified one.
        assertEquals(1, refusal(Map.of("gateway.listener.clientAuth", "request",
                "quarkus.tls.trust-store.pem.certs", "/etc/ca.pem", "quarkus.tls.trust-all", "true")).size());
        // Quarkus' defaults for other trust-store keys are no trust store.
        assertEquals(1, refusal(Map.of("gateway.listener.clientAuth", "request",
                "quarkus.tls.trust-store.certificate-expiration-policy", "WARN")).size());
    }

    @Test
    void badValuesAreRefusedNamingTheField() {
        assertEquals(List.of("gateway: listener.clientAuth: unknown value 'sometimes' (expected none, request or required)",
                "gateway: listener.certificateReload: 'soon' is not a duration (examples: 15s, 500ms, 2m)",
                "gateway: listener.tlsEngine: unknown value 'fast' (expected auto, jdk or openssl)",
                "gateway: listener.dataPath: unknown value 'io_uring' (expected vertx or netty)"),
                refusal(Map.of("gateway.listener.clientAuth", "sometimes", "gateway.listener.certificateReload", "soon",
                        "gateway.listener.tlsEngine", "fast", "gateway.listener.dataPath", "io_uring")));
        assertEquals("netty", settings(Map.of("gateway.listener.dataPath", "Netty")).dataPath());
        assertEquals("jdk", settings(Map.of("gateway.listener.tlsEngine", " JDK")).tlsEngine());
        assertEquals(Duration.ZERO, settings(Map.of("gateway.listener.certificateReload", "0s")).certificateReload());
    }

    @Test
    void quarkusReloadPeriodIsRefusedForTheListener() {
        var config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(Map.of("quarkus.tls.reload-period", "1m"), "test", 500)).build();
        assertEquals(List.of("quarkus.tls.reload-period: not used for the proxy's listener (connections accepted during "
                + "each Quarkus reload would be dropped); set gateway.listener.certificateReload instead"),
                ListenerCertificates.of(config).problems());
    }
}
