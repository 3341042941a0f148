package dev.edgeproxy.proxy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpServerRequest;

/**
 * Streams a user agent's request body to the origin with back-pressure, and is the one place that decides
 * how the origin sees it framed and whether it is complete:
 * <ul>
 * <li>{@code Content-Length} is forwarded only for a body that arrived framed by it, and the bytes must add
 *     up to it (HTTP/1.1 guarantees that already; for HTTP/2 it is checked here);</li>
 * <li>a body of unknown length (HTTP/1.1 chunked, HTTP/2 without {@code content-length}) goes chunked;
 *     whether an HTTP/2 request has a body at all is known only from its first event;</li>
 * <li>past {@code limit} bytes it stops, and the origin never receives the end of the body;</li>
 * <li>a body that breaks (the user agent goes away, or its framing fails) is never ended towards the
 *     origin: the exchange resets the origin request instead, so the origin cannot take a truncated body
 *     for a complete one.</li>
 * </ul>
 */
final class RequestBody {

    /** How the exchange learns that the body cannot be forwarded whole. */
    interface Outcome {
        void tooLarge();

        void broken(Throwable cause);
    }

    private final HttpServerRequest source;
    private final HttpClientRequest origin;
    private final long limit;
    private final long declared;
    private final Outcome outcome;
    private long received;
    private boolean started;
    private boolean done;

    /**
     * @param declared the {@code Content-Length} the body arrived with (and the origin is told), or -1
     */
    RequestBody(HttpServerRequest source, HttpClientRequest origin, long limit, long declared, Outcome outcome) {
        this.source = source;
        this.origin = origin;
        this.limit = limit;
        this.declared = declared;
        this.outcome = outcome;
    }

    /** Starts reading the (paused) request. */
    void start() {
        source.handler(this::data);
        source.endHandler(v -> end());
        source.exceptionHandler(this::broken);
        origin.drainHandler(v -> source.resume());
        source.resume();
    }

    private void data(Buffer chunk) {
        if (done) {
            return;
        }
        received += chunk.length();
        if (received > limit) {
            stop();
            outcome.tooLarge();
            return;
        }
        if (declared >= 0 && received > declared) {
            stop();
            outcome.broken(new IllegalStateException("request body longer than its content-length"));
            return;
        }
        if (!started) {
            started = true;
            if (declared < 0) {
                origin.setChunked(true);
            }
        }
        origin.write(chunk);
        if (origin.writeQueueFull()) {
            source.pause();
        }
    }

    private void end() {
        if (done) {
            return;
        }
        done = true;
        if (declared >= 0 && received != declared) {
            outcome.broken(new IllegalStateException("request body shorter than its content-length"));
            return;
        }
        origin.end();
    }

    private void broken(Throwable cause) {
        if (done) {
            return;
        }
        stop();
        outcome.broken(cause);
    }

    private void stop() {
        done = true;
        source.pause();
    }
}
