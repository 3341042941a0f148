package dev.edgeproxy.jwt.jwks;

import dev.edgeproxy.jwt.jwks.KeySetParser.ParsedKey;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where a provider's keys come from: fixed at startup ({@code file}, {@code inline}) or fetched and
 * refreshed ({@code url}). Readers take {@link #current()} on every verification; a source that can
 * refresh replaces it whole, never in place.
 */
public interface JwksSource extends AutoCloseable {

    /** An immutable generation of keys; the version changes whenever the keys do. */
    record KeySet(long version, List<ParsedKey> keys) {
        public KeySet {
            keys = List.copyOf(keys);
        }
    }

    KeySet current();

    /**
     * Asks for fresh keys because a token named a {@code kid} no key has. Rate-limited by the source;
     * concurrent callers share one fetch. Completes when that fetch is over (or at once when none is
     * allowed); never exceptionally.
     */
    default CompletionStage<Void> refetchForUnknownKey() {
        return CompletableFuture.completedFuture(null);
    }

    /** Whether {@link #refetchForUnknownKey()} can ever bring new keys. */
    default boolean refreshable() {
        return false;
    }

    /** Stops any background work (refreshes); the keys stay readable. */
    @Override
    default void close() {
    }

    /** Keys given once, from a file or inline. */
    static JwksSource fixed(List<ParsedKey> keys) {
        KeySet set = new KeySet(0, keys);
        return () -> set;
    }
}
