package dev.edgeproxy.proxy;

import dev.edgeproxy.error.GatewayError;
import dev.edgeproxy.http.HeaderFields;
import dev.edgeproxy.http.HopByHop;
import dev.edgeproxy.http.RequestHead;
import dev.edgeproxy.logging.LogThrottle;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Forwards one request to its origin and streams the answer back to the user agent, both bodies
 * flowing through with back-pressure and never buffered whole.
 *
 * <p>Runs entirely on the event loop of the user agent's connection: every step is asynchronous.
 * The request must arrive paused; it is resumed only once the origin connection is ready to take
 * its body.
 */
public final class Forwarder {

    private static final Logger LOG = Logger.getLogger(Forwarder.class);

    private final Vertx vertx;
    private final HttpClient client;
    private final OriginLeases leases;
    /** A header that fails the field check this late is the proxy's own bug: said once per interval. */
    private final LogThrottle invalidHeaderLog = new LogThrottle(Duration.ofSeconds(10));

    /**
     * @param client the shared client of plain HTTP/1.1 origins; a backend with TLS or HTTP/2 brings its own
     *               (made when its route table was compiled)
     */
    public Forwarder(Vertx vertx, HttpClient client) {
        this(vertx, client, new OriginLeases());
    }

    /** @param leases counts the origin connections this forwarder's requests hold */
    public Forwarder(Vertx vertx, HttpClient client, OriginLeases leases) {
        this.vertx = vertx;
        this.client = client;
        this.leases = leases;
    }

    /** The origin connections that this forwarder's requests hold or wait for now. */
    public OriginLeases leases() {
        return leases;
    }

    /** How the pipeline learns that the exchange with the origin is over. */
    @FunctionalInterface
    public interface ExchangeOver {
        /**
         * @param nanos  from asking for the origin connection to the end of its response (or the failure)
         * @param status the origin's status code; 0 when it sent no response (refused, failed, timed out)
         */
        void over(long nanos, int status);
    }

    /**
     * @param outbound   what the origin receives; its headers are changed here (framing, {@code expect})
     * @param onUpstream called once when the exchange with the origin is over (its response complete, or
     *                   the exchange failed or timed out); before the user agent's response ends
     * @param onFailure  called at most once, with a {@link GatewayError}, if the exchange fails
     */
    public void forward(HttpServerRequest request, Outbound outbound, ExchangeOver onUpstream,
            Consumer<GatewayError> onFailure) {
        Backend backend = outbound.backend();
        MultiMap headers = outbound.headers();
        long maxBody = outbound.maxBody();
        OriginExchange exchange = new OriginExchange(vertx, leases, request, onUpstream, onFailure, outbound.timeout(),
                maxBody);
        exchange.startTimer();
        long declared = RequestHead.declaredLength(request.headers());
        boolean hasBody = mayHaveBody(request, declared);
        if (hasBody && request.headers().contains("expect", "100-continue", true)) {
            // We answer the user agent's expectation ourselves; the origin gets a plain request.
            headers.remove("expect");
            request.response().writeContinue();
        }
        if (declared < 0) {
            // Only a body framed by Content-Length is sent with one (HTTP/2 may carry a stray value).
            headers.remove("content-length");
        }
        // Every field was checked on the way in (http/RequestHead.checkFields, transformations). Checked once more
        // here because Vert.x's client validates only inside its pool-lease callback, where a throw loses the
        // leased connection for good and leaves the request unanswered.
        Map.Entry<String, String> invalid = HeaderFields.firstInvalid(headers);
        if (invalid != null) {
            long dropped = invalidHeaderLog.acquire();
            if (dropped >= 0) {
                LOG.warnf("not forwarded: header field '%s' is not valid (its value is not logged)%s",
                        HeaderFields.validName(invalid.getKey()) ? invalid.getKey() : "(invalid name)",
                        invalidHeaderLog.suffix(dropped));
            }
            exchange.fail(new IllegalArgumentException("invalid header field"));
            return;
        }
        // The connection goes to host:port; the TLS server name (SNI, and the name verified in the
        // certificate) is the configured sni, else the host part.
        RequestOptions options = new RequestOptions()
                .setMethod(request.method())
                .setServer(SocketAddress.inetSocketAddress(backend.port(), backend.host()))
                .setHost(backend.serverName() == null ? backend.host() : backend.serverName())
                .setPort(backend.port())
                .setURI(outbound.uri())
                .setHeaders(headers);
        OriginClient origin = backend.origin();
        HttpClient originClient = origin == null ? client : origin.client();
        exchange.leaseAsked();
        Future<HttpClientRequest> leased;
        try {
            leased = originClient.request(options);
        } catch (RuntimeException e) {
            exchange.leaseRefused();
            exchange.fail(e);
            return;
        }
        leased.onComplete(ar -> {
            if (ar.failed()) {
                exchange.leaseRefused();
                if (ar.cause() instanceof ConnectionPoolTooBusyException) {
                    exchange.busy();
                } else {
                    if (origin != null) {
                        origin.logTlsFailure(backend, ar.cause());
                    }
                    exchange.fail(ar.cause());
                }
                return;
            }
            HttpClientRequest originRequest = ar.result();
            // Every failure of the exchange reaches it through the response (answered 502/504, or the user agent's
            // response reset); our own resets (a client gone, a body too large, a timeout) are ordinary. Without a
            // handler Vert.x would log each one at ERROR ("Stream reset: 0").
            originRequest.exceptionHandler(e -> LOG.debugf("origin request to %s: %s", backend, e));
            if (!exchange.attach(originRequest)) {
                return;
            }
            try {
                send(originRequest, request, exchange, hasBody, maxBody, declared);
            } catch (RuntimeException e) {
                // Whatever went wrong, the exchange ends: the origin request is reset and its connection given back.
                exchange.fail(e);
            }
        });
    }

    private void send(HttpClientRequest originRequest, HttpServerRequest request, OriginExchange exchange, boolean hasBody,
            long maxBody, long declared) {
        if (originRequest.version() == HttpVersion.HTTP_2) {
            http2Head(request, originRequest);
        }
        originRequest.response().onSuccess(originResponse -> {
            try {
                exchange.respond(originResponse);
            } catch (RuntimeException e) {
                exchange.fail(e);
            }
        }).onFailure(exchange::fail);
        if (hasBody) {
            new RequestBody(request, originRequest, maxBody, declared, exchange).start();
        } else {
            originRequest.end();
        }
    }

    /**
     * An HTTP/2 origin gets the user agent's authority as {@code :authority} rather than as a {@code host}
     * header (RFC 9113 §8.3.1), and {@code te: trailers} when the user agent sent it: the one TE value HTTP/2
     * allows, which gRPC servers require to know that trailers will get through.
     */
    private static void http2Head(HttpServerRequest request, HttpClientRequest originRequest) {
        String host = originRequest.headers().get("host");
        if (host != null) {
            originRequest.headers().remove("host");
            HostAndPort authority = HostAndPort.parseAuthority(host, -1);
            if (authority != null) {
                originRequest.authority(authority);
            }
        }
        if (HopByHop.acceptsTrailers(request.headers())) {
            originRequest.headers().set("te", "trailers");
        }
    }

    /**
     * HTTP/1.1 framing says whether a body follows (RFC 9112 §6.3); an HTTP/2 request without
     * {@code content-length} may have one, which its first event will tell.
     */
    static boolean mayHaveBody(HttpServerRequest request, long declared) {
        if (declared >= 0) {
            return declared > 0;
        }
        return request.version() == HttpVersion.HTTP_2 ? !request.isEnded() : request.headers().contains("transfer-encoding");
    }
}
