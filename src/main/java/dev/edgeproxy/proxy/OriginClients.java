package dev.edgeproxy.proxy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The origin clients of one route table: one per distinct {@link OriginSettings}, shared by every backend that
 * has them, made by the table's {@link OriginClient.Maker} as the table is compiled, then only read; closing it
 * retires every client.
 */
public final class OriginClients implements AutoCloseable {

    private final Map<OriginSettings, OriginClient> clients = new LinkedHashMap<>();
    private final OriginClient.Maker maker;
    private Duration grace = Duration.ofSeconds(60);

    public OriginClients(OriginClient.Maker maker) {
        this.maker = maker;
    }

    /** The client for {@code settings}, the same one for equal settings. Compile time only. */
    public OriginClient of(OriginSettings settings) {
        return clients.computeIfAbsent(settings, s -> new OriginClient(s, maker));
    }

    /** How long after retirement requests on the table can still run: its longest request timeout. */
    public void grace(Duration grace) {
        this.grace = grace;
    }

    public List<OriginClient> all() {
        return List.copyOf(clients.values());
    }

    @Override
    public void close() {
        clients.values().forEach(c -> c.retire(grace));
    }
}
