package dev.edgeproxy.e2e;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP origin for the end-to-end tests. By default it answers with a JSON report of what it
 * received (method, uri, every header with all its values, body length and SHA-256, hashed while
 * streaming). Special paths:
 * <ul>
 * <li>{@code .../download?bytes=N}: streams N deterministic bytes back, chunked;</li>
 * <li>{@code .../hang}: never answers;</li>
 * <li>{@code .../reset}: closes the connection without answering;</li>
 * <li>{@code .../hop}: answers with hop-by-hop headers that the proxy must drop;</li>
 * <li>{@code .../truncate} and {@code .../truncate-chunked}: start a 100,000-byte response (framed by
 * {@code Content-Length}, or chunked), send part of it, then close the connection;</li>
 * <li>{@code /jwks.json}: the JWKS document last {@link #publishJwks published}, as an identity
 * provider would serve it;</li>
 * <li>any request with {@code Upgrade: websocket} (subprotocol {@code chat.v1} offered): {@code .../refuse}
 * answers 403 instead; otherwise it upgrades, sends the JSON report of its handshake headers as the first
 * text message, then echoes every message as it came (text as text, binary as binary), except the text
 * {@code close-me}, on which it closes with 4001 {@code origin says bye}. The last close it received is
 * kept ({@link #lastWebSocketClose}).</li>
 * </ul>
 * Every request's path is recorded, so a test can prove that something was never fetched.
 */
public final class EchoUpstream implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger jwksHits = new AtomicInteger();
    private final java.util.Queue<String> paths = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.Queue<String> completed = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private volatile String jwks = "{\"keys\": []}";
    private volatile String lastWebSocketClose;

    public EchoUpstream() {
        server = vertx.createHttpServer(new io.vertx.core.http.HttpServerOptions()
                        .setWebSocketSubProtocols(java.util.List.of("chat.v1")))
                .connectionHandler(connection -> connections.incrementAndGet())
                .requestHandler(this::handle)
                .listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().join();
    }

    public int port() {
        return server.actualPort();
    }

    public int requests() {
        return requests.get();
    }

    /** Serves {@code document} at {@code /jwks.json} from now on. */
    public void publishJwks(String document) {
        this.jwks = document;
    }

    public int jwksHits() {
        return jwksHits.get();
    }

    /** Every request path received so far, in order. */
    public java.util.List<String> paths() {
        return java.util.List.copyOf(paths);
    }

    /** The paths of the requests whose body arrived whole (the request ended normally), in order. */
    public java.util.List<String> completedPaths() {
        return java.util.List.copyOf(completed);
    }

    /** {@code code reason} of the last WebSocket close the origin received, or {@code null}. */
    public String lastWebSocketClose() {
        return lastWebSocketClose;
    }

    /** TCP connections accepted so far: fewer than requests when the proxy keeps connections alive. */
    public int connections() {
        return connections.get();
    }

    private void handle(HttpServerRequest request) {
        requests.incrementAndGet();
        String path = request.path();
        paths.add(path);
        if ("websocket".equalsIgnoreCase(request.getHeader("upgrade"))) {
            webSocket(request);
            return;
        }
        if (path.equals("/jwks.json")) {
            jwksHits.incrementAndGet();
            request.response().putHeader("content-type", "application/json").end(jwks);
            return;
        }
        if (path.endsWith("/hang")) {
            return;
        }
        if (path.endsWith("/reset")) {
            request.connection().close();
            return;
        }
        if (path.endsWith("/truncate") || path.endsWith("/truncate-chunked")) {
            var response = request.response();
            if (path.endsWith("/truncate")) {
                response.putHeader("content-length", "100000");
            } else {
                response.setChunked(true);
            }
            response.write(Buffer.buffer(content(10_000))).onComplete(v -> request.connection().close());
            return;
        }
        if (path.endsWith("/download")) {
            download(request, Long.parseLong(request.getParam("bytes", "0")));
            return;
        }
        MessageDigest sha = sha256();
        long[] length = {0};
        request.handler(chunk -> {
            sha.update(chunk.getBytes());
            length[0] += chunk.length();
        });
        request.endHandler(v -> {
            completed.add(path);
            JsonObject headers = new JsonObject();
            request.headers().forEach(h -> {
                String name = h.getKey().toLowerCase(Locale.ROOT);
                JsonArray values = headers.getJsonArray(name);
                if (values == null) {
                    headers.put(name, values = new JsonArray());
                }
                values.add(h.getValue());
            });
            JsonObject report = new JsonObject()
                    .put("method", request.method().name())
                    .put("uri", request.uri())
                    .put("headers", headers)
                    .put("bodyBytes", length[0])
                    .put("bodySha256", HexFormat.of().formatHex(sha.digest()));
            var response = request.response().putHeader("content-type", "application/json");
            if (path.endsWith("/hop")) {
                response.putHeader("connection", "x-internal")
                        .putHeader("x-internal", "origin-only")
                        .putHeader("keep-alive", "timeout=5")
                        .putHeader("proxy-connection", "keep-alive")
                        .putHeader("upgrade", "h2c")
                        .putHeader("trailer", "x-checksum")
                        .putHeader("x-end-to-end", "kept");
            }
            response.end(report.encode());
        });
    }

    private void webSocket(HttpServerRequest request) {
        if (request.path().endsWith("/refuse")) {
            request.response().setStatusCode(403).end("no");
            return;
        }
        JsonObject report = new JsonObject().put("uri", request.uri()).put("headers", headerReport(request));
        request.toWebSocket().onSuccess(ws -> {
            ws.closeHandler(v -> lastWebSocketClose = ws.closeStatusCode() + " " + ws.closeReason());
            ws.textMessageHandler(text -> {
                if (text.equals("close-me")) {
                    ws.close((short) 4001, "origin says bye");
                } else {
                    ws.writeTextMessage(text);
                }
            });
            ws.binaryMessageHandler(ws::writeBinaryMessage);
            ws.writeTextMessage(report.encode());
        });
    }

    private static JsonObject headerReport(HttpServerRequest request) {
        JsonObject headers = new JsonObject();
        request.headers().forEach(h -> {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            JsonArray values = headers.getJsonArray(name);
            if (values == null) {
                headers.put(name, values = new JsonArray());
            }
            values.add(h.getValue());
        });
        return headers;
    }

    /** Deterministic content: byte i is {@code i % 251}, so tests can recompute the hash. */
    public static byte[] content(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i % 251);
        }
        return bytes;
    }

    private void download(HttpServerRequest request, long total) {
        var response = request.response().setChunked(true).putHeader("content-type", "application/octet-stream");
        int chunk = 64 * 1024;
        long[] sent = {0};
        Runnable[] pump = new Runnable[1];
        pump[0] = () -> {
            while (sent[0] < total && !response.writeQueueFull()) {
                int n = (int) Math.min(chunk, total - sent[0]);
                byte[] bytes = new byte[n];
                for (int i = 0; i < n; i++) {
                    bytes[i] = (byte) ((sent[0] + i) % 251);
                }
                sent[0] += n;
                response.write(Buffer.buffer(bytes));
            }
            if (sent[0] >= total) {
                response.end();
            } else {
                response.drainHandler(v -> pump[0].run());
            }
        };
        pump[0].run();
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
