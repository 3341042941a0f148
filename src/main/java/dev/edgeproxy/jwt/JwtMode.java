package dev.edgeproxy.jwt;

/** How a route treats tokens (docs/reference.md#jwt-authentication). */
public enum JwtMode {
    /** A valid token is required. */
    STRICT,
    /** No token passes anonymously; a token that is present must be valid. The default. */
    OPTIONAL,
    /** Never rejects: a valid token yields claims, anything else passes anonymously. */
    PERMISSIVE
}
