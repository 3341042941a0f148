package dev.edgeproxy.jwt;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.security.Signature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which provider checks signatures. ACCP is expected exactly where it can load: its jar on the class path
 * (the JVM build; the native profile leaves it out) on Linux x86-64. Elsewhere the JDK's providers, with the
 * reason. {@link TokenVerifierTest} runs its whole algorithm table under the provider installed here.
 */
class SignatureProviderTest {

    private static SignatureProvider.InUse inUse;

    @BeforeAll
    static void install() {
        inUse = SignatureProvider.install("auto");
    }

    static boolean accpExpected() {
        boolean onClassPath;
        try {
            Class.forName(SignatureProvider.ACCP_CLASS, false, SignatureProviderTest.class.getClassLoader());
            onClassPath = true;
        } catch (ClassNotFoundException e) {
            onClassPath = false;
        }
        String arch = System.getProperty("os.arch");
        return onClassPath && System.getProperty("os.name").equals("Linux")
                && (arch.equals("amd64") || arch.equals("x86_64"));
    }

    @Test
    void accpIsInUseExactlyWhereItCanLoad() {
        assertNotNull(SignatureProvider.current());
        assertEquals(accpExpected(), inUse.nativeBacked(), inUse.describe());
        if (inUse.nativeBacked()) {
            assertTrue(inUse.name().startsWith("AmazonCorrettoCryptoProvider"), inUse.name());
        } else {
            assertFalse(inUse.reason().isBlank(), "a fallback names its reason");
        }
    }

    /** The JCA names jose4j asks for resolve to ACCP when it is in use. */
    @ParameterizedTest
    @ValueSource(strings = {"SHA256withRSA", "SHA256withECDSA", "SHA384withECDSA"})
    void jcaLookupsGoToTheInstalledProvider(String algorithm) throws Exception {
        String provider = Signature.getInstance(algorithm).getProvider().getName();
        if (inUse.nativeBacked()) {
            assertEquals("AmazonCorrettoCryptoProvider", provider);
        } else {
            assertFalse(provider.contains("Corretto"), provider);
        }
    }

    @Test
    void installIsIdempotentAndTheFirstCallDecides() {
        assertEquals(inUse, SignatureProvider.install("jdk"));
        assertEquals(inUse, SignatureProvider.install(" AUTO "));
    }

    @ParameterizedTest
    @ValueSource(strings = {"accp", "bouncycastle", ""})
    void anUnknownSettingIsRefusedNamingTheProperty(String setting) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SignatureProvider.install(setting));
        assertTrue(e.getMessage().startsWith("edge-proxy.crypto.provider: must be auto or jdk"), e.getMessage());
    }
}
