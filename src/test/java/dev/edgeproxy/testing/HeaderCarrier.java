package dev.edgeproxy.testing;

import dev.edgeproxy.jwt.CredentialCarrier;
import io.vertx.core.MultiMap;

/** A request with headers and no query, for tests and benchmarks that hand a policy only headers. */
public final class HeaderCarrier implements CredentialCarrier {

    private final MultiMap headers;
    private String query;

    private HeaderCarrier(MultiMap headers) {
        this.headers = headers;
    }

    /** A carrier over {@code headers} itself: what a policy removes from the carrier is gone from them. */
    public static HeaderCarrier of(MultiMap headers) {
        return new HeaderCarrier(headers);
    }

    @Override
    public MultiMap requestHeaders() {
        return headers;
    }

    @Override
    public String rawQuery() {
        return query;
    }

    @Override
    public void rawQuery(String query) {
        this.query = query;
    }
}
