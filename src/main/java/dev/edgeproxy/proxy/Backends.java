package dev.edgeproxy.proxy;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A route's backends, taken in turn (round robin). */
public final class UpstreamPool {

    private final List<Upstream> upstreams;
    private final AtomicInteger next = new AtomicInteger();

    public UpstreamPool(List<Upstream> upstreams) {
        if (upstreams.isEmpty()) {
            throw new IllegalArgumentException("no upstreams");
        }
        this.upstreams = List.copyOf(upstreams);
    }

    public List<Upstream> upstreams() {
        return upstreams;
    }

    public Upstream pick() {
        if (upstreams.size() == 1) {
            return upstreams.get(0);
        }
        return upstreams.get(Math.floorMod(next.getAndIncrement(), upstreams.size()));
    }
}
