import java.io.IOException;
import java.nio.file.Path;

/**
 * The JWKS rotation, in two steps that keep every request's expected answer known: (1) publish the new key
 * beside the old one, wait until the proxy accepts a token of the new key, then sign every new request with
 * it; (2) later, when no request with the old key is in flight, drop the old key, wait until the proxy refuses
 * a token of it, and only then send such tokens, expecting 401 {@code unknown key}.
 */
final class Rotation {

    private final Path jwks;
    private final TokenSet oldKey;
    private final TokenSet newKey;
    private final Traffic traffic;
    private final Probe probe;
    private final Tally tally;
    private volatile String state;

    Rotation(Path jwks, TokenSet oldKey, TokenSet newKey, Traffic traffic, Probe probe, Tally tally) {
        this.jwks = jwks;
        this.oldKey = oldKey;
        this.newKey = newKey;
        this.traffic = traffic;
        this.probe = probe;
        this.tally = tally;
        this.state = "signing with " + oldKey.name();
    }

    void publishNewKey() {
        try {
            Probe.replace(jwks, TokenSet.jwks(oldKey, newKey));
            double took = probe.until(traffic.probe(RequestClass.VALID_SAME, "/soak/api/rotation", newKey.same()));
            if (took < 0) {
                tally.failedCheck("JWKS rotation: key " + newKey.name() + " not accepted within 15 s (last answer "
                        + probe.lastAnswer() + ")");
                return;
            }
            traffic.sign(newKey);
            state = "signing with " + newKey.name() + ", " + oldKey.name() + " still published";
            Soak.log("rotation: key %s published beside %s, accepted after %.2f s; signing with %s from now",
                    newKey.name(), oldKey.name(), took, newKey.name());
        } catch (IOException e) {
            tally.failedCheck("JWKS rotation: cannot write " + jwks + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void dropOldKey() {
        if (!state.startsWith("signing with " + newKey.name())) {
            return; // the new key never took effect: dropping the old one would leave nothing valid
        }
        try {
            Probe.replace(jwks, TokenSet.jwks(newKey));
            double took = probe.until(traffic.probe(RequestClass.RETIRED_KEY, "/soak/api/rotation", oldKey.same()));
            if (took < 0) {
                tally.failedCheck("JWKS rotation: dropped key " + oldKey.name() + " still accepted after 15 s (last answer "
                        + probe.lastAnswer() + ")");
                return;
            }
            traffic.retire(oldKey);
            state = "signing with " + newKey.name() + ", " + oldKey.name() + " dropped";
            Soak.log("rotation: key %s dropped, refused after %.2f s; retired-key requests from now",
                    oldKey.name(), took);
        } catch (IOException e) {
            tally.failedCheck("JWKS rotation: cannot write " + jwks + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    String state() {
        return state;
    }
}
