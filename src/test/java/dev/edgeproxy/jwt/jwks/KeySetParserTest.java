package dev.edgeproxy.jwt.jwks;

import dev.edgeproxy.jwt.TokenVerifier;
import dev.edgeproxy.jwt.jwks.KeySetParser.ParsedKey;
import dev.edgeproxy.testing.TestKeys;
import dev.edgeproxy.testing.Tokens;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.OctetSequenceJsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Key documents: what becomes a verification key, and what is a configuration error. */
class KeySetParserTest {

    private static final Set<String> RSA_ALGORITHMS = Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512");

    private static final KeyPair RSA = TestKeys.rsa2048();
    private static final KeyPair P256 = TestKeys.ecP256();
    private static final KeyPair P384 = TestKeys.ecP384();
    private static final KeyPair ED25519 = TestKeys.ed25519();

    /**
     * A self-signed P-256 certificate and its private key, made once with
     * {@code openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=edge-proxy-test}
     * (the JDK cannot issue certificates without internal APIs). Test material only.
     */
    private static final String CERTIFICATE = """
            -----BEGIN CERTIFICATE-----
            MIIBizCCATGgAwIBAgIUQVg310AQqJJoeC9xuQGDOoknv8MwCgYIKoZIzj0EAwIw
            GjEYMBYGA1UEAwwPZWRnZS1wcm94eS10ZXN0MCAXDTI2MTEyODE0MjMzOVoYDzIx
            MjYxMTA0MTQyMzM5WjAaMRgwFgYDVQQDDA9lZGdlLXByb3h5LXRlc3QwWTATBgcq
            hkjOPQIBBggqhkjOPQMBBwNCAAQfmq7DgDiaX3DhOCck1P40jQzhJS8+jW+1HxMC
            bSdyXLyPeqyOjBHEtoapMpVghNixJ6yX3deiOGKYXSgEsgHwo1MwUTAdBgNVHQ4E
            FgQURZ0VyEhaTpV8u5RG7IttVVvm/oYwHwYDVR0jBBgwFoAURZ0VyEhaTpV8u5RG
            7IttVVvm/oYwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiBrxlIt
            vubtkd0Qj7Xbf8kWMn6CLMJDUU5+6+3HLq0EtgIhAOi5KKXlze2VuAxcIxE2ZH9w
            GBPwLFC9AN3UQMXOad64
            -----END CERTIFICATE-----
            """;
    private static final String CERTIFICATE_PRIVATE_KEY_PKCS8 =
            "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgobrlYy6oxp0l3HNo"
            + "Dd8GbFM+jdlGt9tcosQoHaSdt1OhRANCAAQfmq7DgDiaX3DhOCck1P40jQzhJS8+"
            + "jW+1HxMCbSdyXLyPeqyOjBHEtoapMpVghNixJ6yX3deiOGKYXSgEsgHw";

    // --- accepted documents ---

    @Test
    void jwksYieldsEachKeyWithTheAlgorithmsItsTypeAllows() {
        List<ParsedKey> keys = KeySetParser.parse(TestKeys.jwks(
                TestKeys.jwk(RSA.getPublic(), "rsa", null),
                TestKeys.jwk(P256.getPublic(), "p256", null),
                TestKeys.jwk(P384.getPublic(), "p384", null),
                TestKeys.jwk(ED25519.getPublic(), "ed", null)));

        assertEquals(List.of("rsa", "p256", "p384", "ed"), keys.stream().map(ParsedKey::kid).toList());
        assertEquals(RSA.getPublic(), keys.get(0).key());
        assertEquals(RSA_ALGORITHMS, keys.get(0).algorithms());
        assertEquals(Set.of("ES256"), keys.get(1).algorithms());
        assertEquals(Set.of("ES384"), keys.get(2).algorithms());
        assertEquals(Set.of("EdDSA"), keys.get(3).algorithms());
    }

    @Test
    void jwkAlgLimitsTheKeyToThatAlgorithm() {
        List<ParsedKey> keys = KeySetParser.parse(TestKeys.jwks(TestKeys.jwk(RSA.getPublic(), "k", "PS384")));

        assertEquals(Set.of("PS384"), keys.get(0).algorithms());
    }

    @Test
    void singleJwkWithoutKeySetIsAccepted() {
        List<ParsedKey> keys = KeySetParser.parse(
                TestKeys.jwk(P256.getPublic(), "solo", null).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));

        assertEquals(1, keys.size());
        assertEquals("solo", keys.get(0).kid());
        assertEquals(P256.getPublic(), keys.get(0).key());
    }

    @Test
    void encryptionKeysAreSkipped() {
        PublicJsonWebKey enc = TestKeys.jwk(RSA.getPublic(), "enc", null);
        enc.setUse("enc");
        PublicJsonWebKey sig = TestKeys.jwk(P256.getPublic(), "sig", null);
        sig.setUse("sig");

        List<ParsedKey> keys = KeySetParser.parse(TestKeys.jwks(enc, sig));

        assertEquals(List.of("sig"), keys.stream().map(ParsedKey::kid).toList());
    }

    @Test
    void pemPublicKeysOfEverySupportedTypeAreAccepted() {
        String document = TestKeys.pem(RSA.getPublic()) + "\n" + TestKeys.pem(P256.getPublic())
                + TestKeys.pem(P384.getPublic()) + TestKeys.pem(ED25519.getPublic());

        List<ParsedKey> keys = KeySetParser.parse(document);

        assertEquals(List.of(RSA.getPublic(), P256.getPublic(), P384.getPublic(), ED25519.getPublic()),
                keys.stream().map(ParsedKey::key).toList());
        assertEquals(List.of(RSA_ALGORITHMS, Set.of("ES256"), Set.of("ES384"), Set.of("EdDSA")),
                keys.stream().map(ParsedKey::algorithms).toList());
        keys.forEach(k -> assertNull(k.kid()));
    }

    @Test
    void pemCertificateYieldsItsPublicKeyWhichVerifiesTokens() throws Exception {
        List<ParsedKey> keys = KeySetParser.parse(CERTIFICATE);

        assertEquals(1, keys.size());
        assertInstanceOf(ECPublicKey.class, keys.get(0).key());
        assertEquals(Set.of("ES256"), keys.get(0).algorithms());

        PrivateKey privateKey = KeyFactory.getInstance("EC").generatePrivate(
                new PKCS8EncodedKeySpec(Base64.getDecoder().decode(CERTIFICATE_PRIVATE_KEY_PKCS8)));
        TokenVerifier verifier = TokenVerifier.create(
                List.of(new TokenVerifier.ProviderSpec("https://cert.test", Set.of(), JwksSource.fixed(keys))),
                Duration.ofSeconds(60));
        Map<String, Object> claims = verifier.verify(
                Tokens.sign(privateKey, "ES256", null, Tokens.claims("https://cert.test", null)));
        assertEquals("alice", claims.get("sub"));
    }

    // --- configuration errors ---

    @Test
    void symmetricOctKeyIsRejected() throws Exception {
        OctetSequenceJsonWebKey oct = new OctetSequenceJsonWebKey(new HmacKey(new byte[32]));
        oct.setKeyId("hmac");
        String document = "{\"keys\":[" + TestKeys.jwk(RSA.getPublic(), "rsa", null).toJson()
                + "," + oct.toJson(JsonWebKey.OutputControlLevel.INCLUDE_SYMMETRIC) + "]}";

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> KeySetParser.parse(document));

        assertTrue(error.getMessage().contains("oct"), error.getMessage());
        assertTrue(error.getMessage().contains("hmac"), "names the key: " + error.getMessage());
    }

    @Test
    void rsaKeyUnder2048BitsIsRejected() {
        KeyPair weak = TestKeys.rsa(1024);

        assertRejected(TestKeys.jwks(weak.getPublic(), "weak"), "1024");
        assertRejected(TestKeys.pem(weak.getPublic()), "1024");
    }

    @Test
    void jwkWithPrivateMaterialIsRejectedWithoutEchoingIt() {
        PublicJsonWebKey jwk = TestKeys.jwk(P256.getPublic(), "leaky", null);
        jwk.setPrivateKey(P256.getPrivate());
        String document = "{\"keys\":[" + jwk.toJson(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE) + "]}";
        String d = (String) jwk.toParams(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE).get("d");

        String message = assertRejected(document, "private");

        assertFalse(message.contains(d));
    }

    @ParameterizedTest(name = "[{0}]")
    @NullSource
    @ValueSource(strings = {"", "   \n\t "})
    void emptyDocumentIsRejected(String document) {
        assertRejected(document, "empty");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"{\"keys\":[]}", "{\"keys\":[{\"kty\":\"RSA\",\"use\":\"enc\",\"n\":\"AQAB\",\"e\":\"AQAB\"}]}"})
    void documentWithoutSignatureKeysIsRejected(String document) {
        assertRejected(document, "no signature verification keys");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"garbage", "{\"issuer\":\"x\"}", "[1, 2, 3]", "{\"keys\": \"nope\"}", "{\"keys\":[",
            "-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----", "-----BEGIN nothing"})
    void garbageIsRejected(String document) {
        assertThrows(IllegalArgumentException.class, () -> KeySetParser.parse(document));
    }

    @Test
    void pemPrivateKeyBlockIsRejected() {
        String document = TestKeys.pem("PRIVATE KEY", RSA.getPrivate().getEncoded());

        String message = assertRejected(document, "PRIVATE KEY");

        assertFalse(message.contains(document.lines().skip(1).findFirst().orElseThrow()));
    }

    @Test
    void jwkAlgIncompatibleWithTheKeyIsRejected() {
        assertRejected(TestKeys.jwks(TestKeys.jwk(RSA.getPublic(), "k", "ES256")), "ES256");
        assertRejected(TestKeys.jwks(TestKeys.jwk(P256.getPublic(), "k", "ES384")), "ES384");
        assertRejected(TestKeys.jwks(TestKeys.jwk(P384.getPublic(), "k", "RS256")), "RS256");
        assertRejected(TestKeys.jwks(TestKeys.jwk(ED25519.getPublic(), "k", "ES256")), "ES256");
    }

    @Test
    void jwkAlgOutsideTheAcceptedSetIsRejected() {
        assertRejected(TestKeys.jwks(TestKeys.jwk(RSA.getPublic(), "k", "HS256")), "HS256");
        assertRejected(TestKeys.jwks(TestKeys.jwk(RSA.getPublic(), "k", "none")), "none");
        assertRejected(TestKeys.jwks(TestKeys.jwk(RSA.getPublic(), "k", "RSA-OAEP")), "RSA-OAEP");
    }

    @Test
    void unsupportedCurveP521IsRejected() {
        KeyPair p521 = TestKeys.ecP521();

        assertRejected(TestKeys.jwks(p521.getPublic(), "p521"), "521");
        assertRejected(TestKeys.pem(p521.getPublic()), "521");
    }

    @Test
    void ed448IsRejected() {
        assertRejected(TestKeys.jwks(TestKeys.ed448().getPublic(), "ed448"), "Ed448");
    }

    /** Asserts the document is a configuration error whose message mentions {@code expected}. */
    private static String assertRejected(String document, String expected) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> KeySetParser.parse(document));
        assertTrue(error.getMessage().contains(expected), () -> "message '" + error.getMessage() + "' lacks " + expected);
        return error.getMessage();
    }
}
