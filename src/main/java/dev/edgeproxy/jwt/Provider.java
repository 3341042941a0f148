package dev.edgeproxy.jwt;

import java.util.List;

/**
 * One trusted token issuer: its exact {@code iss}, optional audiences, and its verification keys.
 */
record Provider(String issuer, List<VerificationKey> keys) {

    Provider {
        keys = List.copyOf(keys);
    }
}
