package dev.edgeproxy.jwt;

import io.vertx.core.MultiMap;

/**
 * The parts of a request a credential can travel in, as they will be forwarded: the headers (cookies
 * included) and the raw query. A verified credential is taken out of exactly the place it came from.
 */
public interface CredentialCarrier {

    /** The request headers; changes to them are what the origin receives. */
    MultiMap requestHeaders();

    /** The raw (still percent-encoded) query without {@code ?}, or {@code null} when there is none. */
    String rawQuery();

    /** Replaces the query forwarded to the origin; {@code null} or empty removes it. */
    void rawQuery(String query);
}
