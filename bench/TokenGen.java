// Generates the benchmark's keys and tokens:
//   javac -d <classes> bench/TokenGen.java src/test/java/dev/edgeproxy/testing/JwsMinter.java
//   java -cp <classes> TokenGen <outdir> <tokens-per-alg> <issuer> <audience> [<kid-suffix>]
// (bench/lib.sh's mint_tokens does both). Writes rsa-pub.pem, ec-pub.pem (SubjectPublicKeyInfo, for HAProxy),
// jwks.json (both public keys, for edge-proxy; kids bench-rsa and bench-ec, followed by <kid-suffix> when given,
// so that several runs give keys that can stand side by side in one JWKS), rs256.tokens and es256.tokens (<n>
// distinct tokens each: sub user-<i>, groups [admins], exp an hour ahead), and per algorithm one token with
// groups [users] (*.users.token, expected 403) and one that expired an hour ago (*.expired.token, expected 401).
// Tokens are signed by the tests' minter (dev.edgeproxy.testing.JwsMinter, the JDK alone), so the benchmarks and
// the tests mint alike; this file adds what only the benchmarks need: PEM keys, and tens of thousands of tokens
// signed in parallel. It needs a JDK and no Maven build. CI compiles it.
import dev.edgeproxy.testing.JwsMinter;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.*;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

public class TokenGen {
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
            String kid = (alg.equals("RS256") ? "bench-rsa" : "bench-ec") + kidSuffix;
            Map<String, Object> header = new LinkedHashMap<>();
            header.put("alg", alg);
            header.put("typ", "JWT");
            header.put("kid", kid);
            String tokens = IntStream.range(0, n).parallel()
                    .mapToObj(i -> token(key, header, iss, aud, "user-" + i, "admins", now, exp))
                    .collect(Collectors.joining("\n", "", "\n"));
            String lower = alg.toLowerCase();
            Files.writeString(out.resolve(lower + ".tokens"), tokens);
            Files.writeString(out.resolve(lower + ".users.token"),
                    token(key, header, iss, aud, "user-x", "users", now, exp) + "\n");
            Files.writeString(out.resolve(lower + ".expired.token"),
                    token(key, header, iss, aud, "user-old", "admins", now - 7200, now - 3600) + "\n");
        }
    }

    static String token(PrivateKey key, Map<String, Object> header, String iss, String aud, String sub, String group,
            long iat, long exp) {
        return JwsMinter.sign(key, header, "{\"iss\":\"" + iss + "\",\"aud\":\"" + aud + "\",\"sub\":\"" + sub
                + "\",\"groups\":[\"" + group + "\"],\"iat\":" + iat + ",\"exp\":" + exp + "}");
    }

    static String pem(PublicKey k) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(k.getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    static String b64(byte[] b) {
        return JwsMinter.b64(b);
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
