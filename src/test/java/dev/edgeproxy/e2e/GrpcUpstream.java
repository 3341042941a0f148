package dev.edgeproxy.e2e;

import dev.edgeproxy.testing.TestCertificates;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A real gRPC server on the wire protocol (HTTP/2, length-prefixed messages, status in trailers), with raw
 * UTF-8 messages instead of protobuf. Over cleartext it takes prior knowledge (h2c), over TLS it negotiates h2
 * by ALPN. Methods, under any service path:
 * <ul>
 * <li>{@code .../Unary}: answers {@code hello <message>}; headers {@code x-saw-te} and {@code x-saw-user}
 * report the request's {@code te} and {@code x-user-id};</li>
 * <li>{@code .../Stream}: the message is a count n; answers n messages {@code item i};</li>
 * <li>{@code .../Fail}: no message, {@code grpc-status 9} and a percent-encoded {@code grpc-message}.</li>
 * </ul>
 * A request that is not HTTP/2 gRPC is answered {@code grpc-status 13}.
 */
public final class GrpcUpstream implements AutoCloseable {

    /** What {@code .../Fail} says, encoded as on the wire. */
    public static final String FAIL_MESSAGE = "precondition failed: 100%25 sure";

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;

    /** @param certificate {@code null} for cleartext (h2c with prior knowledge) */
    public GrpcUpstream(TestCertificates.Issued certificate) {
        HttpServerOptions options = new HttpServerOptions().setHttp2ClearTextEnabled(true);
        if (certificate != null) {
            options.setSsl(true).setUseAlpn(true).setAlpnVersions(List.of(HttpVersion.HTTP_2))
                    .setKeyCertOptions(certificate.keyCertOptions());
        }
        server = vertx.createHttpServer(options)
                .requestHandler(this::handle)
                .listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().join();
    }

    public int port() {
        return server.actualPort();
    }

    private void handle(HttpServerRequest request) {
        request.body().onSuccess(body -> {
            HttpServerResponse response = request.response();
            String type = request.getHeader("content-type");
            if (request.version() != HttpVersion.HTTP_2 || type == null || !type.startsWith("application/grpc")) {
                response.putHeader("content-type", "application/grpc").putHeader("grpc-status", "13")
                        .putHeader("grpc-message", "not%20gRPC%20over%20HTTP/2").end();
                return;
            }
            List<String> messages = decode(body);
            response.putHeader("content-type", "application/grpc")
                    .putHeader("x-saw-te", String.valueOf(request.getHeader("te")))
                    .putHeader("x-saw-user", String.valueOf(request.getHeader("x-user-id")));
            String path = request.path();
            if (path.endsWith("/Unary")) {
                response.write(frame("hello " + (messages.isEmpty() ? "" : messages.get(0))));
                response.putTrailer("grpc-status", "0");
            } else if (path.endsWith("/Stream")) {
                int n = Integer.parseInt(messages.get(0));
                for (int i = 0; i < n; i++) {
                    response.write(frame("item " + i));
                }
                response.putTrailer("grpc-status", "0");
            } else {
                // Headers first, then only trailers: the status of a call that failed after it started.
                response.setChunked(true).write(Buffer.buffer());
                response.putTrailer("grpc-status", "9").putTrailer("grpc-message", FAIL_MESSAGE);
            }
            response.end();
        });
    }

    /** One length-prefixed gRPC message, uncompressed. */
    public static Buffer frame(String message) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        return Buffer.buffer().appendByte((byte) 0).appendInt(bytes.length).appendBytes(bytes);
    }

    /** The messages of a gRPC body. */
    public static List<String> decode(Buffer body) {
        List<String> out = new ArrayList<>();
        int at = 0;
        while (at + 5 <= body.length()) {
            int length = body.getInt(at + 1);
            out.add(body.getString(at + 5, at + 5 + length, "UTF-8"));
            at += 5 + length;
        }
        return out;
    }

    @Override
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
