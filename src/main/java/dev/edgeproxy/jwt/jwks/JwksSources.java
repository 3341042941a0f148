package dev.edgeproxy.jwt.jwks;

import java.net.URI;
import java.time.Duration;

/** Creates the key sources the route compiler configures. */
public final class JwksSources {

    private JwksSources() {
    }

    /**
     * A JWKS URL, loaded now (blocking: call at startup, never on an event loop) and refreshed in the
     * background by {@code fetcher} from then on.
     *
     * @param label names the route and provider in log lines
     * @throws IllegalArgumentException when the first load fails, with the reason
     */
    public static JwksSource remote(URI url, Duration timeout, JwksFetcher fetcher, String label) {
        RemoteJwks remote = new RemoteJwks(url, timeout, fetcher, label);
        remote.loadInitial();
        return remote;
    }
}
