package dev.edgeproxy.config;

import dev.edgeproxy.testing.TestCertificates;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The listener's PEM files as startup and {@code --validate-only} judge them, on real certificates and keys. */
class ListenerCertificatesTest {

    private static final TestCertificates PKI = TestCertificates.authority("listener-test-ca");

    @TempDir
    Path dir;

    private static ListenerCertificates of(Map<String, String> properties) {
        return ListenerCertificates.of(new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(properties, "test", 500)).build());
    }

    @Test
    void aMatchingPairAndReadableTrustStoreHaveNoProblem() {
        Path cert = PKI.server("a.example").write(dir, "a");
        Path ca = PKI.ca().write(dir, "ca");
        ListenerCertificates found = of(Map.of(
                "quarkus.tls.key-store.pem.0.cert", cert.toString(),
                "quarkus.tls.key-store.pem.0.key", dir.resolve("a.key").toString(),
                "quarkus.tls.trust-store.pem.certs", ca.toString()));
        assertEquals(List.of(new ListenerCertificates.Entry("quarkus.tls.key-store.pem.0", cert, dir.resolve("a.key"))),
                found.keyStores());
        assertEquals(1, found.trustFiles().size());
        assertEquals(List.of(), found.problems());
    }

    @Test
    void aKeyOfAnotherPairIsRefusedNamingTheKeyProperty() throws Exception {
        Path cert = PKI.server("a.example").write(dir, "a");
        PKI.server("b.example").write(dir, "b");
        List<String> problems = of(Map.of(
                "quarkus.tls.key-store.pem.main.cert", cert.toString(),
                "quarkus.tls.key-store.pem.main.key", dir.resolve("b.key").toString())).problems();
        assertEquals(1, problems.size(), problems::toString);
        assertTrue(problems.get(0).startsWith("quarkus.tls.key-store.pem.main.key: does not match its certificate"),
                problems::toString);
        // Never any of the key's content.
        String key = Files.readString(dir.resolve("b.key"));
        String body = key.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
        assertFalse(problems.get(0).contains(body.substring(0, 16)));
    }

    @Test
    void missingAndUnusableFilesAreRefusedNamingTheirProperty() throws Exception {
        PKI.server("a.example").write(dir, "a");
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a certificate");
        List<String> problems = of(Map.of(
                "quarkus.tls.key-store.pem.0.cert", dir.resolve("missing.crt").toString(),
                "quarkus.tls.key-store.pem.0.key", dir.resolve("a.key").toString(),
                "quarkus.tls.api.key-store.pem.0.cert", dir.resolve("a.crt").toString(),
                "quarkus.tls.trust-store.pem.certs", garbage.toString())).problems();
        assertTrue(problems.contains("quarkus.tls.trust-store.pem.certs: no PEM certificate in " + garbage)
                || problems.stream().anyMatch(p -> p.startsWith("quarkus.tls.trust-store.pem.certs: not a PEM certificate")),
                problems::toString);
        assertTrue(problems.contains("quarkus.tls.key-store.pem.0.cert: cannot read " + dir.resolve("missing.crt")
                + ": no such file"), problems::toString);
        assertTrue(problems.contains("quarkus.tls.api.key-store.pem.0.key: missing: quarkus.tls.api.key-store.pem.0.cert "
                + "is set, its private key is not"), problems::toString);
        assertEquals(3, problems.size(), problems::toString);
    }

    @Test
    void nothingConfiguredIsNothingToCheck() {
        assertEquals(List.of(), of(Map.of("quarkus.tls.protocols", "TLSv1.3")).problems());
        assertEquals(List.of(), ListenerCertificates.NONE.problems());
    }
}
