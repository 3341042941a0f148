package dev.edgeproxy.jwt.jwks;

import dev.edgeproxy.jwt.jwks.KeySetParser.ParsedKey;
import org.jboss.logging.Logger;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keys published at a JWKS URL, as identity providers rotate them.
 *
 * <ul>
 * <li>Loaded once at startup, synchronously: if that fails, startup fails.</li>
 * <li>Refreshed in the background after the response's {@code Cache-Control: max-age}, else its
 * {@code Expires}, else {@link #DEFAULT_REFRESH}; never sooner than {@link #MIN_REFRESH}.</li>
 * <li>A failed or unparsable refresh keeps the last good keys and retries after {@link #MIN_REFRESH}.</li>
 * <li>A token with an unknown {@code kid} may force one fetch, at most once per
 * {@link #UNKNOWN_KID_INTERVAL}; concurrent callers share the fetch in flight.</li>
 * </ul>
 */
final class RemoteJwks implements JwksSource {

    private static final Logger LOG = Logger.getLogger(RemoteJwks.class);

    static final Duration DEFAULT_REFRESH = Duration.ofMinutes(15);
    static final Duration MIN_REFRESH = Duration.ofSeconds(60);
    static final Duration MAX_REFRESH = Duration.ofHours(24);
    static final Duration UNKNOWN_KID_INTERVAL = Duration.ofSeconds(10);
    private static final Pattern MAX_AGE = Pattern.compile("(?:^|[,\\s])max-age\\s*=\\s*\"?(\\d+)");

    private final URI url;
    private final Duration timeout;
    private final JwksFetcher fetcher;
    private final String label;
    private final Object lock = new Object();

    private volatile KeySet current;
    private CompletableFuture<Void> inFlight;  // guarded by lock
    private long lastForcedFetch = Long.MIN_VALUE; // nanoTime, guarded by lock
    private ScheduledFuture<?> nextRefresh;    // guarded by lock
    private volatile boolean closed;

    RemoteJwks(URI url, Duration timeout, JwksFetcher fetcher, String label) {
        this.url = url;
        this.timeout = timeout;
        this.fetcher = fetcher;
        this.label = label;
    }

    /**
     * Fetches the keys for the first time, blocking the caller (startup).
     *
     * @throws IllegalArgumentException naming what went wrong, when no usable keys could be loaded
     */
    void loadInitial() {
        try {
            Fetched fetched = fetch().get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
            current = new KeySet(1, fetched.keys());
            scheduleRefresh(fetched.refreshAfter());
        } catch (ExecutionException e) {
            throw new IllegalArgumentException("cannot load JWKS from " + url + ": " + describe(e.getCause()));
        } catch (TimeoutException e) {
            throw new IllegalArgumentException("cannot load JWKS from " + url + ": no answer within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalArgumentException("interrupted while loading JWKS from " + url);
        }
    }

    @Override
    public KeySet current() {
        return current;
    }

    @Override
    public boolean refreshable() {
        return true;
    }

    @Override
    public CompletionStage<Void> refetchForUnknownKey() {
        synchronized (lock) {
            if (inFlight != null) {
                return inFlight;
            }
            long now = System.nanoTime();
            if (lastForcedFetch != Long.MIN_VALUE && now - lastForcedFetch < UNKNOWN_KID_INTERVAL.toNanos()) {
                return CompletableFuture.completedFuture(null);
            }
            lastForcedFetch = now;
            CompletableFuture<Void> fetch = fetch().handle((fetched, failure) -> {
                accept(fetched, failure, "refetch for an unknown kid");
                return null;
            });
            inFlight = fetch;
            fetch.whenComplete((v, e) -> {
                synchronized (lock) {
                    inFlight = null;
                }
            });
            return fetch;
        }
    }

    /** Stops background refreshes (the route table was replaced or the app stops). */
    @Override
    public void close() {
        closed = true;
        synchronized (lock) {
            if (nextRefresh != null) {
                nextRefresh.cancel(false);
            }
        }
    }

    private void refresh() {
        fetch().whenComplete((fetched, failure) -> {
            Duration next = accept(fetched, failure, "scheduled refresh");
            scheduleRefresh(next);
        });
    }

    /** Installs fetched keys if they are good and new; returns when to refresh next. */
    private Duration accept(Fetched fetched, Throwable failure, String why) {
        if (failure != null) {
            LOG.warnf("%s: %s of JWKS %s failed (%s); keeping the %d keys loaded before",
                    label, why, url, describe(failure), current.keys().size());
            return MIN_REFRESH;
        }
        // A scheduled refresh and an unknown-kid refetch can finish at once: installing under the lock
        // keeps versions unique, since Provider reuses its parsers for as long as the version is the same.
        synchronized (lock) {
            KeySet before = current;
            if (!fetched.keys().equals(before.keys())) {
                current = new KeySet(before.version() + 1, fetched.keys());
                LOG.infof("%s: JWKS %s now has %d keys (%s)", label, url, fetched.keys().size(), why);
            }
        }
        return fetched.refreshAfter();
    }

    private void scheduleRefresh(Duration delay) {
        if (closed) {
            return;
        }
        synchronized (lock) {
            nextRefresh = fetcher.schedule(this::refresh, delay);
        }
    }

    private record Fetched(List<ParsedKey> keys, Duration refreshAfter) {
    }

    private CompletableFuture<Fetched> fetch() {
        return fetcher.get(url, timeout).thenApply(response -> {
            int status = response.statusCode();
            if (status >= 300 && status < 400) {
                // Never followed: a redirect could point a pinned https URL at plain HTTP or an internal address.
                throw new IllegalStateException("HTTP " + status + " redirect to "
                        + response.headers().firstValue("location").orElse("(no location)")
                        + " not followed; configure the final URL as jwks.url");
            }
            if (status != 200) {
                throw new IllegalStateException("HTTP " + status);
            }
            return new Fetched(KeySetParser.parse(response.body()), refreshAfter(response));
        }).whenComplete((fetched, failure) -> fetcher.reportFetch(failure == null));
    }

    /** Cache-Control max-age, else Expires, else the default; clamped to [1 min, 24 h]. */
    static Duration refreshAfter(HttpResponse<?> response) {
        Optional<String> cacheControl = response.headers().firstValue("cache-control");
        Duration after = null;
        if (cacheControl.isPresent()) {
            Matcher m = MAX_AGE.matcher(cacheControl.get().toLowerCase(java.util.Locale.ROOT));
            if (m.find()) {
                try {
                    after = Duration.ofSeconds(Long.parseLong(m.group(1)));
                } catch (NumberFormatException tooBig) {
                    after = MAX_REFRESH;
                }
            }
        }
        if (after == null) {
            after = response.headers().firstValue("expires").map(RemoteJwks::untilExpiry).orElse(DEFAULT_REFRESH);
        }
        if (after.compareTo(MIN_REFRESH) < 0) {
            return MIN_REFRESH;
        }
        return after.compareTo(MAX_REFRESH) > 0 ? MAX_REFRESH : after;
    }

    private static Duration untilExpiry(String expires) {
        try {
            Instant at = ZonedDateTime.parse(expires.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return Duration.between(Instant.now(), at);
        } catch (DateTimeParseException e) {
            return MIN_REFRESH; // an invalid Expires means "already expired" (RFC 9111 §5.3)
        }
    }

    private static String describe(Throwable t) {
        Throwable cause = t;
        while (cause.getCause() != null && (cause instanceof java.util.concurrent.CompletionException
                || cause instanceof ExecutionException)) {
            cause = cause.getCause();
        }
        if (cause instanceof TimeoutException || cause instanceof java.net.http.HttpTimeoutException) {
            return "timed out";
        }
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message.lines().findFirst().orElse(""));
    }
}
