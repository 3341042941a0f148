package dev.edgeproxy.crypto;

import java.util.Set;

/** The JWS signature algorithms edge-proxy accepts (docs/reference.md#jwt-authentication): never {@code none} or HMAC. */
public final class JwsAlgorithms {

    /** Every algorithm a token may be signed with, and that the signature provider must serve. */
    public static final Set<String> ACCEPTED = Set.of(
            "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA");

    private JwsAlgorithms() {
    }
}
