package dev.edgeproxy.proxy;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;

import java.time.Duration;
import java.util.List;

/**
 * Makes the Vert.x client of an {@link OriginSettings}: the server's base options (timeouts, keep-alive) and
 * pool limits ({@code gateway.limits}), plus TLS and the protocol.
 */
public final class OriginClientFactory implements OriginClient.Maker {

    /** TLS versions offered to origins: nothing older than 1.2. */
    static final List<String> TLS_VERSIONS = List.of("TLSv1.2", "TLSv1.3");

    private final Vertx vertx;
    private final HttpClientOptions base;
    private final PoolOptions pool;

    public OriginClientFactory(Vertx vertx, HttpClientOptions base, PoolOptions pool) {
        this.vertx = vertx;
        this.base = new HttpClientOptions(base);
        this.pool = new PoolOptions(pool);
    }

    @Override
    public HttpClient make(OriginSettings settings) {
        return vertx.createHttpClient(options(settings), pool);
    }

    /** The client options of {@code settings}; hostname verification stays on unless verification is skipped. */
    HttpClientOptions options(OriginSettings settings) {
        HttpClientOptions options = new HttpClientOptions(base);
        boolean http2 = settings.protocol() == OriginSettings.Protocol.HTTP2;
        OriginSettings.Tls tls = settings.tls();
        if (http2) {
            options.setProtocolVersion(HttpVersion.HTTP_2);
            // Without TLS: prior knowledge, as gRPC servers expect; an HTTP/1.1 upgrade would cost a round trip.
            options.setHttp2ClearTextUpgrade(false);
        }
        if (tls != null) {
            options.setSsl(true).setEnabledSecureTransportProtocols(new java.util.LinkedHashSet<>(TLS_VERSIONS));
            options.setUseAlpn(http2).setForceSni(tls.sendSni());
            if (http2) {
                options.setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1));
            }
            if (tls.insecureSkipVerify()) {
                options.setTrustAll(true).setVerifyHost(false);
            } else {
                options.setVerifyHost(true);
                if (tls.caPem() != null) {
                    options.setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(tls.caPem())));
                }
            }
            if (tls.certificatePem() != null) {
                options.setKeyCertOptions(new PemKeyCertOptions()
                        .setCertValue(Buffer.buffer(tls.certificatePem()))
                        .setKeyValue(Buffer.buffer(tls.keyPem())));
            }
        }
        return options;
    }

    @Override
    public void closeLater(HttpClient client, Duration grace) {
        vertx.setTimer(Math.max(1, grace.toMillis()), id -> client.close());
    }
}
