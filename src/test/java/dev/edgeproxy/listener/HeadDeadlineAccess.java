package dev.edgeproxy.listener;

import io.quarkus.vertx.http.HttpServerStart;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

import java.time.Duration;
import java.util.function.IntConsumer;

/** {@link HeadDeadline}'s two seams, for {@code dev.edgeproxy.VertxInternalsTest}, which runs it without Quarkus. */
public final class HeadDeadlineAccess {

    private HeadDeadlineAccess() {
    }

    /**
     * Adds the deadline's first route to {@code router}, as Quarkus does at startup.
     *
     * @return what Quarkus does once the server listens: its port goes to the deadline, which then watches it
     */
    public static IntConsumer install(Vertx vertx, Duration timeout, Router router) {
        HeadDeadline deadline = new HeadDeadline(vertx, timeout);
        deadline.route(router);
        return port -> deadline.started(new HttpServerStart(new HttpServerOptions().setPort(port)));
    }
}
