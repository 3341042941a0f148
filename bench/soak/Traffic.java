import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The request mix: a fixed, shuffled schedule of request classes in proportion to their weights, walked by
 * all workers together, and the bytes of each request, made from the tokens of the key in use. The key in use
 * and the retired key change during the JWKS rotation; a request is built from one consistent view of them,
 * so its expected answer is fixed when it is made.
 */
final class Traffic {

    /**
     * Malformed credentials, in turn: no dots; segments that are not base64url JSON; a payload that is not
     * JSON ("not json"); an RS256 header with nothing after it.
     */
    private static final String[] MALFORMED = {"not-a-jwt", "a.b.c", "eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln",
        "eyJhbGciOiJSUzI1NiJ9..."};

    private final String host;
    private final Bodies bodies = new Bodies(7);
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong freshWalk = new AtomicLong();
    private final AtomicLong retiredWalk = new AtomicLong();
    private volatile TokenSet current;
    private volatile TokenSet retired;
    private volatile RequestClass[] schedule;

    Traffic(int port, TokenSet current) {
        this.host = "127.0.0.1:" + port;
        this.current = current;
        this.schedule = schedule(false);
    }

    /** From now on, valid, denied and failing tokens come from {@code next}. */
    void sign(TokenSet next) {
        current = next;
    }

    /** From now on the mix includes tokens of {@code old}, whose key the proxy is seen to refuse. */
    void retire(TokenSet old) {
        retired = old;
        schedule = schedule(true);
    }

    Request next() {
        long n = sequence.getAndIncrement();
        RequestClass[] s = schedule;
        return build(s[(int) (n % s.length)], n);
    }

    /** The request of class {@code cls} number {@code n}, from the key in use now. */
    Request build(RequestClass cls, long n) {
        TokenSet t = current;
        String q = "?n=" + n;
        return switch (cls) {
            case VALID_SAME -> get(cls, "/soak/api/same" + q, t.same());
            case VALID_FRESH -> get(cls, "/soak/api/fresh" + q, walk(t.fresh(), freshWalk));
            case BAD_SIGNATURE -> get(cls, "/soak/api/bad" + q, t.badSignature());
            case EXPIRED -> get(cls, "/soak/api/expired" + q, t.expired());
            case MALFORMED -> get(cls, "/soak/api/malformed" + q, MALFORMED[(int) (n % MALFORMED.length)]);
            case NO_TOKEN -> get(cls, "/soak/api/none" + q, null);
            case DENIED -> get(cls, "/soak/api/denied" + q, t.users());
            case UNKNOWN_PATH -> get(cls, "/elsewhere/" + n, t.same());
            case POST_LENGTH, POST_CHUNKED -> post(cls, n, t.same());
            case RETIRED_KEY -> {
                TokenSet r = retired;
                if (r == null) {
                    throw new IllegalStateException("no retired key yet");
                }
                yield get(cls, "/soak/api/retired" + q, n % 2 == 0 ? r.same() : walk(r.fresh(), retiredWalk));
            }
        };
    }

    /** A GET outside the mix (probes of reloads and of the rotation). */
    Request probe(RequestClass expectAs, String path, String token) {
        return get(expectAs, path, token);
    }

    private Request get(RequestClass cls, String path, String token) {
        StringBuilder h = head("GET", path, token);
        h.append("\r\n");
        return new Request(cls, h.toString().getBytes(StandardCharsets.ISO_8859_1), null,
                cls.toOrigin() ? "GET " + path + " auth=absent bytes=0 sha1=-" : cls.proxyBody);
    }

    private Request post(RequestClass cls, long n, String token) {
        Bodies.Body b = bodies.get(n / 2);
        boolean chunked = cls == RequestClass.POST_CHUNKED;
        String path = "/soak/upload/" + (chunked ? "chunked" : "length") + "?n=" + n;
        StringBuilder h = head("POST", path, token).append("Content-Type: application/octet-stream\r\n");
        h.append(chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + b.plain().length + "\r\n").append("\r\n");
        return new Request(cls, h.toString().getBytes(StandardCharsets.ISO_8859_1), chunked ? b.chunked() : b.plain(),
                "POST " + path + " auth=absent bytes=" + b.plain().length + " sha1=" + b.sha1());
    }

    private StringBuilder head(String method, String path, String token) {
        StringBuilder h = new StringBuilder(700).append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: ")
                .append(host).append("\r\nUser-Agent: edge-proxy-soak\r\n");
        if (token != null) {
            h.append("Authorization: Bearer ").append(token).append("\r\n");
        }
        return h;
    }

    private static String walk(List<String> tokens, AtomicLong position) {
        return tokens.get((int) (position.getAndIncrement() % tokens.size()));
    }

    /** Every class {@code weight} times, shuffled with a fixed seed so that every run sends the same mix. */
    private static RequestClass[] schedule(boolean withRetired) {
        List<RequestClass> slots = new ArrayList<>();
        for (RequestClass c : RequestClass.values()) {
            if (c != RequestClass.RETIRED_KEY || withRetired) {
                slots.addAll(Collections.nCopies(c.weight, c));
            }
        }
        Collections.shuffle(slots, new Random(42));
        return slots.toArray(RequestClass[]::new);
    }
}
