import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

/**
 * The request bodies of the POST classes, made once: random bytes of a few sizes from 4 KiB to 1 MiB, each
 * also framed as chunked transfer coding, with the SHA-1 the origin must report back.
 */
final class Bodies {

    /** Sizes in turn; small ones more often, one 1 MiB body in every seven. */
    private static final int[] SIZES = {4096, 4096, 4096, 16_384, 65_536, 262_144, 1_048_576};
    /** Not a power of two, so chunk edges fall anywhere in the proxy's buffers. */
    private static final int CHUNK = 12_345;

    record Body(byte[] plain, byte[] chunked, String sha1) {
    }

    private final Body[] bodies = new Body[SIZES.length];

    Bodies(long seed) {
        Random random = new Random(seed);
        for (int i = 0; i < SIZES.length; i++) {
            byte[] b = new byte[SIZES[i]];
            random.nextBytes(b);
            bodies[i] = new Body(b, chunked(b), sha1(b));
        }
    }

    Body get(long n) {
        return bodies[(int) (n % bodies.length)];
    }

    private static byte[] chunked(byte[] b) {
        var out = new java.io.ByteArrayOutputStream(b.length + b.length / CHUNK * 10 + 16);
        for (int off = 0; off < b.length; off += CHUNK) {
            int len = Math.min(CHUNK, b.length - off);
            out.writeBytes((Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(b, off, len);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static String sha1(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
