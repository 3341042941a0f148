package dev.edgeproxy.proxy;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A route's backends, taken in turn (round robin). */
public final class Backends {

    private final List<Backend> backends;
    private final AtomicInteger next = new AtomicInteger();

    public Backends(List<Backend> backends) {
        if (backends.isEmpty()) {
            throw new IllegalArgumentException("no backends");
        }
        this.backends = List.copyOf(backends);
    }

    public List<Backend> all() {
        return backends;
    }

    public Backend pick() {
        if (backends.size() == 1) {
            return backends.get(0);
        }
        return backends.get(Math.floorMod(next.getAndIncrement(), backends.size()));
    }
}
