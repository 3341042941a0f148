package dev.edgeproxy.crypto;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.jose4j.jwa.AlgorithmFactoryFactory;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import java.security.MessageDigest;
import java.security.Signature;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which provider checks signatures. ACCP is expected exactly where it can load: its jar on the class path
 * on Linux x86-64 (the jar and the native image alike). Elsewhere the JDK's providers, with the
 * reason. {@code jwt.TokenVerifierTest} runs its whole algorithm table under the provider installed here.
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

    /** Every accepted algorithm is checked by ACCP when it is in use: the context jose4j gets names it. */
    @ParameterizedTest
    @ValueSource(strings = {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA"})
    void everyAcceptedAlgorithmIsCheckedByTheChosenProvider(String alg) throws Exception {
        String named = SignatureProvider.contextFor(alg).getSuppliedKeyProviderContext().getSignatureProvider();
        if (inUse.nativeBacked()) {
            assertEquals("AmazonCorrettoCryptoProvider", named);
            String javaAlg = AlgorithmFactoryFactory.getInstance().getJwsAlgorithmFactory().getAlgorithm(alg)
                    .getJavaAlgorithm();
            assertEquals("AmazonCorrettoCryptoProvider", Signature.getInstance(javaAlg, named).getProvider().getName());
        } else {
            assertNull(named, "the JDK's providers, by default lookup");
        }
    }

    /**
     * ACCP is never what a default lookup finds: TLS, digests and HMAC keep the JDK's providers (in the native
     * image a JCE engine would refuse ACCP, which the image build did not verify).
     */
    @Test
    void defaultLookupsKeepTheJdksProviders() throws Exception {
        for (String name : List.of(
                Signature.getInstance("SHA256withRSA").getProvider().getName(),
                Signature.getInstance("SHA256withECDSA").getProvider().getName(),
                MessageDigest.getInstance("SHA-256").getProvider().getName(),
                Mac.getInstance("HmacSHA256").getProvider().getName(),
                Cipher.getInstance("AES/GCM/NoPadding").getProvider().getName())) {
            assertFalse(name.contains("Corretto"), name);
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
