package dev.edgeproxy.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs a Vert.x client exchange on one event-loop context and waits for its result.
 *
 * <p>Why: an exchange started from a test's own thread has its callbacks queued to the event loop, so a
 * handler set in a {@code compose} step (the response's body) can arrive after the connection delivered the
 * DATA it was meant to read, and the body comes back empty. Started on the context, each step runs as soon as
 * its future completes, before the next network event.
 */
public final class OnContext {

    private OnContext() {
    }

    /** The result of {@code exchange}, started on a new context of {@code vertx}; fails after {@code timeout}. */
    public static <T> T await(Vertx vertx, Duration timeout, Supplier<Future<T>> exchange) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        vertx.getOrCreateContext().runOnContext(v -> exchange.get().onComplete(ar -> {
            if (ar.succeeded()) {
                result.complete(ar.result());
            } else {
                result.completeExceptionally(ar.cause());
            }
        }));
        return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
