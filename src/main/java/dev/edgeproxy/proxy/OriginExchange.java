package dev.edgeproxy.proxy;

import dev.edgeproxy.error.GatewayError;
import dev.edgeproxy.http.HeaderFields;
import dev.edgeproxy.http.HopByHop;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * The state of one {@link Forwarder} exchange: which side finished first decides the outcome, and every way it
 * ends (the origin's answer streamed whole, a refusal, a timeout, the user agent gone, the origin failing, an
 * exception in a callback) ends it once, resets the origin request when it must not complete, and gives the
 * leased origin connection back ({@link OriginLeases}). Lives on the user agent's event loop.
 */
final class OriginExchange implements RequestBody.Outcome {

    private final Vertx vertx;
    private final OriginLeases leases;
    private final HttpServerRequest request;
    private final HttpServerResponse response;
    private final Forwarder.ExchangeOver onUpstream;
    private final Consumer<GatewayError> onFailure;
    private final Duration timeout;
    private final long maxBody;
    private final long startedAt = System.nanoTime();
    private HttpClientRequest originRequest;
    /** The origin's status code once its response has begun. */
    private int originStatus;
    private long timer;
    private boolean done;
    /** Counted in {@link #leases} from asking for a connection until {@link #release}. */
    private boolean leaseHeld;

    OriginExchange(Vertx vertx, OriginLeases leases, HttpServerRequest request, Forwarder.ExchangeOver onUpstream,
            Consumer<GatewayError> onFailure, Duration timeout, long maxBody) {
        this.vertx = vertx;
        this.leases = leases;
        this.maxBody = maxBody;
        this.request = request;
        this.response = request.response();
        this.onUpstream = onUpstream;
        this.onFailure = onFailure;
        this.timeout = timeout;
        // The user agent went away: stop talking to the origin too.
        response.closeHandler(v -> abort());
    }

    /** Starts the clock of the route's request timeout: 504 unless the exchange is over by then. */
    void startTimer() {
        timer = vertx.setTimer(timeout.toMillis(), id -> timeout());
    }

    void leaseAsked() {
        leases.acquire();
        leaseHeld = true;
    }

    /** No connection was leased (refused, failed, or the pool is full). */
    void leaseRefused() {
        release();
    }

    boolean attach(HttpClientRequest origin) {
        this.originRequest = origin;
        if (done) {
            // Answered already (a timeout while waiting for the connection): the connection goes back.
            origin.reset();
            release();
            return false;
        }
        return true;
    }

    /** Once per exchange: its connection is back in the pool, or closed. */
    private void release() {
        if (leaseHeld) {
            leaseHeld = false;
            leases.release();
        }
    }

    void respond(HttpClientResponse originResponse) {
        if (done) {
            return;
        }
        originStatus = originResponse.statusCode();
        if (originStatus < 200) {
            // A 101 to a request that asked for no upgrade (Vert.x takes 100 and 103 itself): the connection now
            // speaks something else, and the user agent was promised an HTTP answer. 502, and the connection
            // is closed rather than reused.
            if (originRequest.version() != HttpVersion.HTTP_2) {
                originRequest.connection().close();
            }
            fail(new IllegalStateException("origin answered " + originStatus + " to a plain request"));
            return;
        }
        if (HeaderFields.firstInvalid(originResponse.headers()) != null) {
            // The same field check as for requests, the other way: an HTTP/2 origin's CR or LF would split an
            // HTTP/1.1 user agent's response.
            fail(new IllegalStateException("origin answered with an invalid header field"));
            return;
        }
        response.setStatusCode(originStatus);
        String message = originResponse.statusMessage();
        if (message != null && HeaderFields.validValue(message)) {
            response.setStatusMessage(message);
        }
        HopByHop.copyEndToEnd(originResponse.headers(), response.headers());
        if (!response.headers().contains("content-length") && expectsBody(originResponse.statusCode())) {
            response.setChunked(true);
        }
        // The pipe leaves ending our response to us: on success, so that the origin's part is measured
        // first; on failure, because ending it would dress a truncated body up as a complete one (a
        // Content-Length the client then waits for, or a terminating chunk). It is reset instead.
        originResponse.pipe().endOnSuccess(false).endOnFailure(false).to(response).onComplete(ar -> {
            if (ar.succeeded()) {
                if (HeaderFields.firstInvalid(originResponse.trailers()) != null) {
                    fail(new IllegalStateException("origin answered with an invalid trailer field"));
                    return;
                }
                finish();
                // HTTP/2 trailers (gRPC's grpc-status, grpc-message) travel on to the user agent.
                HopByHop.copyEndToEnd(originResponse.trailers(), response.trailers());
                response.end();
            } else {
                fail(ar.cause());
            }
        });
    }

    private boolean expectsBody(int status) {
        return status >= 200 && status != 204 && status != 304 && !"HEAD".equals(request.method().name());
    }

    private void timeout() {
        end(new GatewayError.GatewayTimeout(timeout));
    }

    void fail(Throwable cause) {
        end(new GatewayError.BadGateway(cause));
    }

    @Override
    public void tooLarge() {
        end(new GatewayError.PayloadTooLarge(maxBody));
    }

    @Override
    public void broken(Throwable cause) {
        // The origin must not take what arrived for the whole body: reset, never end, its request.
        end(new GatewayError.BadRequest("request body broken off"));
    }

    /** The origin's connection pool and its wait queue are full: the request was never sent. */
    void busy() {
        end(new GatewayError.UpstreamBusy());
    }

    private void end(GatewayError error) {
        if (done) {
            return;
        }
        done = true;
        vertx.cancelTimer(timer);
        if (originRequest != null) {
            originRequest.reset();
            release();
        }
        originOver();
        onFailure.accept(error);
    }

    private void abort() {
        if (!done) {
            done = true;
            vertx.cancelTimer(timer);
            if (originRequest != null) {
                originRequest.reset();
                release();
            }
        }
    }

    private void finish() {
        done = true;
        vertx.cancelTimer(timer);
        release();
        originOver();
    }

    private void originOver() {
        onUpstream.over(System.nanoTime() - startedAt, originStatus);
    }
}
