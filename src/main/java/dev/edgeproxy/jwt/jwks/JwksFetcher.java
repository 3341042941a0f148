package dev.edgeproxy.jwt.jwks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP client and the clock for remote JWKS: fetches run on the JDK HTTP client's own threads and
 * refreshes on one scheduler thread, never on a Vert.x event loop. HTTPS uses the JVM's trust store.
 * One instance serves every provider of a route table; {@link #close()} stops all refreshes.
 *
 * <p>What an identity provider (or whoever answers at its address) can make us do is bounded: a body
 * larger than the limit it is built with fails the fetch as soon as it is seen to be, and redirects are never
 * followed, so a configured {@code https} URL can never be turned into a plain-HTTP or internal fetch.
 */
public final class JwksFetcher implements AutoCloseable {

    private final HttpClient client;
    private final ScheduledExecutorService scheduler;
    private final int maxBytes;
    private volatile java.util.function.Consumer<Boolean> outcomes = ok -> { };

    /** @param maxBytes largest JWKS body accepted */
    public JwksFetcher(int maxBytes) {
        this.maxBytes = maxBytes;
        this.client = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread t = new Thread(task, "jwks-refresh");
            t.setDaemon(true);
            return t;
        });
    }

    /** GET {@code url}; the whole exchange is bounded by {@code timeout}. */
    CompletableFuture<HttpResponse<String>> get(URI url, Duration timeout) {
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("accept", "application/json, application/jwk-set+json")
                .GET()
                .build();
        return BoundedBody.send(client, request, maxBytes)
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Receives the outcome of every JWKS fetch (true: usable keys were loaded), e.g. for metrics. */
    public void onFetch(java.util.function.Consumer<Boolean> listener) {
        this.outcomes = listener;
    }

    void reportFetch(boolean ok) {
        outcomes.accept(ok);
    }

    ScheduledFuture<?> schedule(Runnable task, Duration delay) {
        return scheduler.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
