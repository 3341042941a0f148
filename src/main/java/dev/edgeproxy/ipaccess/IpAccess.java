package dev.edgeproxy.ipaccess;

import dev.edgeproxy.cel.RequestVariables;
import dev.edgeproxy.error.GatewayError;
import dev.edgeproxy.route.Admission;

import java.util.List;

/**
 * A route's {@code policies.ipAccess}: the client addresses it admits, decided once the route is chosen and
 * before any credential is checked. A denied block wins over an allowed one; with an {@code allow} list, a
 * client in none of its blocks is refused. The client is the connection's peer: the proxy is the edge, and
 * no header a client sends (X-Forwarded-For) changes who it is. A client address that cannot be read is
 * refused, like every evaluation error.
 */
public final class IpAccess implements Admission {

    /** The answer's body: it says no more, a client need not learn which lists exist. */
    static final String REFUSED = "client address not allowed";

    private final List<AddressBlock> allow;
    private final List<AddressBlock> deny;

    IpAccess(List<AddressBlock> allow, List<AddressBlock> deny) {
        this.allow = List.copyOf(allow);
        this.deny = List.copyOf(deny);
    }

    @Override
    public GatewayError admit(RequestVariables.Source request) {
        return admits(request.sourceAddress()) ? null : new GatewayError.Forbidden(REFUSED);
    }

    /** The same decision: the lists hold no state. */
    @Override
    public GatewayError peek(RequestVariables.Source request) {
        return admit(request);
    }

    /** Whether a client at {@code address}, as the listener reports it, is admitted. */
    boolean admits(String address) {
        byte[] client = Addresses.ofClient(address);
        if (client == null) {
            return false;
        }
        for (AddressBlock block : deny) {
            if (block.contains(client)) {
                return false;
            }
        }
        if (allow.isEmpty()) {
            return true;
        }
        for (AddressBlock block : allow) {
            if (block.contains(client)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "ipAccess allow " + allow + " deny " + deny;
    }
}
