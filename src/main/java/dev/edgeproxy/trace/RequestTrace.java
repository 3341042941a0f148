package dev.edgeproxy.trace;

import dev.edgeproxy.authz.Decision;
import dev.edgeproxy.jwt.Authentication;
import dev.edgeproxy.proxy.Backend;
import io.vertx.core.MultiMap;

/**
 * The trace of one request, told what happens as the pipeline goes. Every method may be called in any state
 * (a request refused early never forwards); {@link #end} is called once and ends what is still open.
 * Used on the request's event loop only.
 */
public sealed interface RequestTrace permits RequestTrace.Off, LiveTrace {

    /** Tracing is off: every call does nothing. */
    RequestTrace OFF = Off.INSTANCE;

    /** The route that matched: the server span takes its name. */
    void route(String name);

    /** The route's JWT outcome, as an event {@code authentication}. */
    void authentication(Authentication authentication);

    /** The authorization decision, as an event {@code authorization}. */
    void authorization(Decision decision);

    /** The verified {@code sub}: the one claim a span carries ({@code enduser.id}). */
    void subject(String subject);

    /**
     * The request goes to {@code backend}: starts the client span and writes its context into
     * {@code originHeaders} (the propagators' headers the client sent are replaced, never passed on beside it).
     */
    void forwarding(Backend backend, String method, MultiMap originHeaders);

    /** The exchange with the origin is over: {@code status} is the origin's, 0 when it sent none. */
    void originEnded(int status);

    /** The request failed with {@code errorType} (a short fixed text, never input). */
    void failed(String errorType);

    /**
     * The response has ended with {@code status}; {@code path} is the canonical path ({@code null} when the
     * request was refused before it had one).
     */
    void end(int status, String path);

    /** Nothing to do. */
    enum Off implements RequestTrace {
        INSTANCE;

        @Override
        public void route(String name) {
        }

        @Override
        public void authentication(Authentication authentication) {
        }

        @Override
        public void authorization(Decision decision) {
        }

        @Override
        public void subject(String subject) {
        }

        @Override
        public void forwarding(Backend backend, String method, MultiMap originHeaders) {
        }

        @Override
        public void originEnded(int status) {
        }

        @Override
        public void failed(String errorType) {
        }

        @Override
        public void end(int status, String path) {
        }
    }
}
