package dev.edgeproxy.proxy;

import dev.edgeproxy.logging.LogThrottle;
import io.vertx.core.http.HttpClient;

import java.time.Duration;

/**
 * The HTTP client of one {@link OriginSettings} within one route table, made on first use by the
 * {@link Maker} of the running server (compiling, and {@code --validate-only}, never open a connection pool).
 * Closed when its table is retired, once the requests that may still use it are over.
 */
public final class OriginClient {

    /** Makes and disposes of clients; the server implements it with its Vert.x instance and limits. */
    public interface Maker {
        HttpClient make(OriginSettings settings);

        /** Closes {@code client} after {@code grace}: requests still running on it finish first. */
        void closeLater(HttpClient client, Duration grace);
    }

    private final OriginSettings settings;
    /** One line per interval for this origin's TLS failures: a broken certificate must not flood the log. */
    private final LogThrottle failureLog = new LogThrottle(Duration.ofSeconds(10));
    private HttpClient client;
    private Maker maker;
    private Duration retiredGrace;

    public OriginClient(OriginSettings settings) {
        this.settings = settings;
    }

    public OriginSettings settings() {
        return settings;
    }

    LogThrottle failureLog() {
        return failureLog;
    }

    /** The client, made on first call. After retirement a late request still gets one, closed after the grace. */
    public synchronized HttpClient client(Maker maker) {
        if (client == null) {
            client = maker.make(settings);
            this.maker = maker;
            if (retiredGrace != null) {
                maker.closeLater(client, retiredGrace);
            }
        }
        return client;
    }

    /** Closes the client (if one was made) after {@code grace}, the longest a request on the retired table can run. */
    public synchronized void retire(Duration grace) {
        retiredGrace = grace;
        if (client != null) {
            maker.closeLater(client, grace);
        }
    }
}
