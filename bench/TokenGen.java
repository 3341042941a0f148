// Generates the benchmark's keys and tokens with the JDK alone (no dependencies):
//   java bench/TokenGen.java <outdir> <tokens-per-alg> <issuer> <audience> [<kid-suffix>]
// Writes rsa-pub.pem, ec-pub.pem (SubjectPublicKeyInfo, for HAProxy), jwks.json (both public keys, for
// edge-proxy; kids bench-rsa and bench-ec, followed by <kid-suffix> when given, so that several runs give
// keys that can stand side by side in one JWKS), rs256.tokens and es256.tokens (<n> distinct tokens each:
// sub user-<i>, groups [admins], exp an hour ahead), and per algorithm one token with groups [users]
// (*.users.token, expected 403) and one that expired an hour ago (*.expired.token, expected 401).
// Not built on the tests' minter (src/test/java/dev/edgeproxy/testing/Tokens.java, jose4j) on purpose: this file
// runs as `java bench/TokenGen.java` with a JDK alone, before any Maven build of the test classes, and writes
// what the tests never need (PEM keys for HAProxy, tens of thousands of tokens signed in parallel). CI compiles it.
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.*;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

public class TokenGen {
    static final Base64.Encoder B64U = Base64.getUrlEncoder().withoutPadding();

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        int n = Integer.parseInt(args[1]);
        String iss = args[2], aud = args[3];
        String kidSuffix = args.length > 4 ? args[4] : "";
        Files.createDirectories(out);

        KeyPairGenerator rg = KeyPairGenerator.getInstance("RSA");
        rg.initialize(2048);
        KeyPair rsa = rg.generateKeyPair();
        KeyPairGenerator eg = KeyPairGenerator.getInstance("EC");
        eg.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair ec = eg.generateKeyPair();

        Files.writeString(out.resolve("rsa-pub.pem"), pem(rsa.getPublic()));
        Files.writeString(out.resolve("ec-pub.pem"), pem(ec.getPublic()));
        RSAPublicKey rp = (RSAPublicKey) rsa.getPublic();
        ECPublicKey ep = (ECPublicKey) ec.getPublic();
        String jwks = "{\"keys\":["
                + "{\"kty\":\"RSA\",\"kid\":\"bench-rsa" + kidSuffix + "\",\"alg\":\"RS256\",\"use\":\"sig\",\"n\":\"" + b64(unsigned(rp.getModulus(), 0))
                + "\",\"e\":\"" + b64(unsigned(rp.getPublicExponent(), 0)) + "\"},"
                + "{\"kty\":\"EC\",\"kid\":\"bench-ec" + kidSuffix + "\",\"alg\":\"ES256\",\"use\":\"sig\",\"crv\":\"P-256\",\"x\":\""
                + b64(unsigned(ep.getW().getAffineX(), 32)) + "\",\"y\":\"" + b64(unsigned(ep.getW().getAffineY(), 32)) + "\"}"
                + "]}";
        Files.writeString(out.resolve("jwks.json"), jwks + "\n");

        long now = System.currentTimeMillis() / 1000;
        long exp = now + 3600;
        for (String alg : List.of("RS256", "ES256")) {
            PrivateKey key = alg.equals("RS256") ? rsa.getPrivate() : ec.getPrivate();
            String sigAlg = alg.equals("RS256") ? "SHA256withRSA" : "SHA256withECDSAinP1363Format";
            String kid = (alg.equals("RS256") ? "bench-rsa" : "bench-ec") + kidSuffix;
            ThreadLocal<Signature> sig = ThreadLocal.withInitial(() -> {
                try {
                    Signature s = Signature.getInstance(sigAlg);
                    s.initSign(key);
                    return s;
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException(e);
                }
            });
            String header = b64(("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\",\"kid\":\"" + kid + "\"}").getBytes(StandardCharsets.UTF_8));
            String tokens = IntStream.range(0, n).parallel()
                    .mapToObj(i -> token(sig.get(), header, iss, aud, "user-" + i, "admins", now, exp))
                    .collect(Collectors.joining("\n", "", "\n"));
            String lower = alg.toLowerCase();
            Files.writeString(out.resolve(lower + ".tokens"), tokens);
            Files.writeString(out.resolve(lower + ".users.token"),
                    token(sig.get(), header, iss, aud, "user-x", "users", now, exp) + "\n");
            Files.writeString(out.resolve(lower + ".expired.token"),
                    token(sig.get(), header, iss, aud, "user-old", "admins", now - 7200, now - 3600) + "\n");
        }
    }

    static String token(Signature s, String header, String iss, String aud, String sub, String group, long iat, long exp) {
        String payload = b64(("{\"iss\":\"" + iss + "\",\"aud\":\"" + aud + "\",\"sub\":\"" + sub
                + "\",\"groups\":[\"" + group + "\"],\"iat\":" + iat + ",\"exp\":" + exp + "}").getBytes(StandardCharsets.UTF_8));
        String signingInput = header + "." + payload;
        try {
            s.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + b64(s.sign());
        } catch (SignatureException e) {
            throw new IllegalStateException(e);
        }
    }

    static String pem(PublicKey k) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(k.getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    static String b64(byte[] b) {
        return B64U.encodeToString(b);
    }

    /** Big-endian unsigned bytes, left-padded to {@code len} when len > 0. */
    static byte[] unsigned(BigInteger v, int len) {
        byte[] b = v.toByteArray();
        if (b.length > 1 && b[0] == 0) {
            b = Arrays.copyOfRange(b, 1, b.length);
        }
        if (len > 0 && b.length < len) {
            byte[] p = new byte[len];
            System.arraycopy(b, 0, p, len - b.length, b.length);
            b = p;
        }
        return b;
    }
}
