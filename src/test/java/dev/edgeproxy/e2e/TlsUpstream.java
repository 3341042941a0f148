package dev.edgeproxy.e2e;

import dev.edgeproxy.testing.TestCertificates;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * A real HTTPS origin (HTTP/1.1 and HTTP/2 by ALPN) with a certificate of a test CA; optionally it requires a
 * client certificate of that CA (mTLS). It answers with a JSON report: path, HTTP version, the server name
 * the client indicated (SNI) and the verified client certificate's subject. A WebSocket upgrade ({@code wss://})
 * gets that report as its first text message, then every text message echoed back.
 */
public final class TlsUpstream implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;

    /**
     * @param certificate  the server's certificate and key
     * @param clientCa     when not null, a client certificate signed by it is required
     */
    public TlsUpstream(TestCertificates.Issued certificate, TestCertificates.Issued clientCa) {
        HttpServerOptions options = new HttpServerOptions()
                .setSsl(true)
                .setUseAlpn(true)
                .setSni(true)
                .setWebSocketSubProtocols(List.of("chat.v1"))
                .setKeyCertOptions(certificate.keyCertOptions());
        if (clientCa != null) {
            options.setClientAuth(ClientAuth.REQUIRED)
                    .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(clientCa.certificatePem())));
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
        JsonObject report = new JsonObject()
                .put("path", request.path())
                .put("version", request.version().name())
                .put("sni", request.connection().indicatedServerName())
                .put("host", request.authority() == null ? null : request.authority().toString())
                .put("clientSubject", clientSubject(request));
        if ("websocket".equalsIgnoreCase(request.getHeader("upgrade"))) {
            request.toWebSocket().onSuccess(ws -> {
                ws.textMessageHandler(ws::writeTextMessage);
                ws.writeTextMessage(report.encode());
            });
            return;
        }
        request.body().onComplete(body -> request.response()
                .putHeader("content-type", "application/json")
                .end(report.encode()));
    }

    private static String clientSubject(HttpServerRequest request) {
        try {
            List<Certificate> chain = request.connection().peerCertificates();
            return chain.isEmpty() ? null : ((X509Certificate) chain.get(0)).getSubjectX500Principal().getName();
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }

    @Override
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
