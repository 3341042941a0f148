package dev.edgeproxy.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server (Vert.x, on {@code 127.0.0.1}, a free port) that publishes a JWKS document for
 * tests of remote key sets, and that tests can turn bad at run time.
 *
 * <p>Every path is answered the same way, so it doubles as a generic counting server (for example the
 * target of a {@code jku} header): {@link #hits()} counts every request, {@link #hits(String)} those to
 * one path, and {@link #paths()} lists the paths in arrival order. {@link #url()} is
 * {@code http://127.0.0.1:<port>/jwks.json}.
 *
 * <p>What it answers, chosen when a request arrives (so a switch applies from the next request on):
 * <ul>
 * <li>{@link #serve(String)}: {@code 200} with the document (the default is an empty string until set);</li>
 * <li>{@link #answerStatus(int)}: that status with a short text body (e.g. {@code 500});</li>
 * <li>{@link #serveGarbage()}: {@code 200} with a body that is not JSON at all;</li>
 * <li>{@link #serveJsonWithoutKeys()}: {@code 200} with a JSON object that has no {@code keys} member;</li>
 * <li>{@link #delay(Duration)}: any of the above, but only after that long (without blocking the server,
 *     so several slow requests are answered concurrently);</li>
 * <li>{@link #stop()} / {@link #start()}: nothing listens, then it listens again on the same port.</li>
 * </ul>
 * {@link #cacheControl(String)} and {@link #expires(String)} add those headers to every answer.
 *
 * <p>{@link #close()} stops the server and its Vert.x instance.
 */
public final class JwksServer implements AutoCloseable {

    /** The path the JWKS is conventionally fetched from; every other path is answered alike. */
    public static final String JWKS_PATH = "/jwks.json";
    /** A body that is no JSON at all (an error page from a misconfigured proxy). */
    public static final String GARBAGE = "<html><body>502 Bad Gateway</body></html>";
    /** Valid JSON, but no key set. */
    public static final String JSON_WITHOUT_KEYS = "{\"error\":\"temporarily unavailable\"}";

    private enum Kind { DOCUMENT, STATUS, GARBAGE, NO_KEYS }

    private record Answer(Kind kind, String document, int status, long delayMillis, String cacheControl,
            String expires) {
    }

    private final Vertx vertx = Vertx.vertx();
    private final AtomicInteger hits = new AtomicInteger();
    private final List<String> paths = new CopyOnWriteArrayList<>();
    private final int port;

    private volatile Kind kind = Kind.DOCUMENT;
    private volatile String document = "";
    private volatile int status = 200;
    private volatile long delayMillis;
    private volatile String cacheControl;
    private volatile String expires;
    private HttpServer server; // guarded by this

    /** Starts listening on a free port with no document yet. */
    public JwksServer() {
        server = listen(0);
        port = server.actualPort();
    }

    /** Starts listening on a free port, serving {@code document}. */
    public JwksServer(String document) {
        this();
        serve(document);
    }

    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:<port>/jwks.json} */
    public URI url() {
        return uri(JWKS_PATH);
    }

    /** {@code http://127.0.0.1:<port><path>}; {@code path} starts with {@code /}. */
    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** Answers {@code 200} with {@code document} from now on (set a new one to rotate keys). */
    public JwksServer serve(String document) {
        this.document = document;
        this.kind = Kind.DOCUMENT;
        return this;
    }

    /** Answers with {@code status} and a plain text body from now on. */
    public JwksServer answerStatus(int status) {
        this.status = status;
        this.kind = Kind.STATUS;
        return this;
    }

    /** Answers {@code 500 Internal Server Error} from now on. */
    public JwksServer answer500() {
        return answerStatus(500);
    }

    /** Answers {@code 200} with {@link #GARBAGE} (not JSON) from now on. */
    public JwksServer serveGarbage() {
        this.kind = Kind.GARBAGE;
        return this;
    }

    /** Answers {@code 200} with {@link #JSON_WITHOUT_KEYS} from now on. */
    public JwksServer serveJsonWithoutKeys() {
        this.kind = Kind.NO_KEYS;
        return this;
    }

    /** Delays every answer by {@code delay} (zero for none); the server keeps accepting meanwhile. */
    public JwksServer delay(Duration delay) {
        this.delayMillis = delay.toMillis();
        return this;
    }

    /** Sends {@code Cache-Control: value} with every answer; {@code null} for none. */
    public JwksServer cacheControl(String value) {
        this.cacheControl = value;
        return this;
    }

    /** Sends {@code Expires: value} with every answer; {@code null} for none. */
    public JwksServer expires(String value) {
        this.expires = value;
        return this;
    }

    /** Requests received so far, on any path (counted on arrival, before any delay). */
    public int hits() {
        return hits.get();
    }

    /** Requests received so far on {@code path}. */
    public int hits(String path) {
        return (int) paths.stream().filter(path::equals).count();
    }

    /** The path of every request received so far, in arrival order. */
    public List<String> paths() {
        return List.copyOf(paths);
    }

    /** Stops listening (and closes open connections); a fetch now meets "connection refused". */
    public synchronized JwksServer stop() {
        if (server != null) {
            await(server.close().toCompletionStage().toCompletableFuture());
            server = null;
        }
        return this;
    }

    /** Listens again on the same port after {@link #stop()}. */
    public synchronized JwksServer start() {
        if (server == null) {
            server = listen(port);
        }
        return this;
    }

    @Override
    public void close() {
        try {
            stop();
        } finally {
            await(vertx.close().toCompletionStage().toCompletableFuture());
        }
    }

    private HttpServer listen(int onPort) {
        return await(vertx.createHttpServer()
                .requestHandler(this::handle)
                .listen(onPort, "127.0.0.1")
                .toCompletionStage().toCompletableFuture());
    }

    private void handle(HttpServerRequest request) {
        hits.incrementAndGet();
        paths.add(request.path());
        Answer answer = new Answer(kind, document, status, delayMillis, cacheControl, expires);
        if (answer.delayMillis() > 0) {
            vertx.setTimer(answer.delayMillis(), id -> respond(request.response(), answer));
        } else {
            respond(request.response(), answer);
        }
    }

    private static void respond(HttpServerResponse response, Answer answer) {
        if (response.closed() || response.ended()) {
            return; // the client gave up, or the server was stopped meanwhile
        }
        if (answer.cacheControl() != null) {
            response.putHeader("cache-control", answer.cacheControl());
        }
        if (answer.expires() != null) {
            response.putHeader("expires", answer.expires());
        }
        switch (answer.kind()) {
            case DOCUMENT -> response.putHeader("content-type", "application/jwk-set+json").end(answer.document());
            case STATUS -> response.setStatusCode(answer.status()).putHeader("content-type", "text/plain")
                    .end("status " + answer.status());
            case GARBAGE -> response.putHeader("content-type", "text/html").end(GARBAGE);
            case NO_KEYS -> response.putHeader("content-type", "application/json").end(JSON_WITHOUT_KEYS);
        }
    }

    private static <T> T await(java.util.concurrent.CompletableFuture<T> future) {
        try {
            return future.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("JWKS test server: " + e, e);
        }
    }
}
