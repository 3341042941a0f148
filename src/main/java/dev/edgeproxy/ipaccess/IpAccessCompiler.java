package dev.edgeproxy.ipaccess;

import dev.edgeproxy.config.GatewayConfig;
import dev.edgeproxy.config.ProblemSink;

import java.util.ArrayList;
import java.util.List;

/** Compiles a route's {@code policies.ipAccess} into its {@link IpAccess}. */
public final class IpAccessCompiler {

    /**
     * The route's address lists, or {@code null} when the configuration is invalid.
     *
     * @param problems scoped to the route's {@code policies.ipAccess}: fields are reported as {@code allow[1]}
     */
    public IpAccess compile(GatewayConfig.IpAccess config, ProblemSink problems) {
        List<AddressBlock> allow = blocks(problems, "allow", config.allow().orElse(List.of()));
        List<AddressBlock> deny = blocks(problems, "deny", config.deny().orElse(List.of()));
        if (allow == null || deny == null) {
            return null;
        }
        if (allow.isEmpty() && deny.isEmpty()) {
            problems.at("allow", "ipAccess needs allow or deny, a list of IP addresses or CIDR blocks");
            return null;
        }
        return new IpAccess(allow, deny);
    }

    /** The blocks of one list, or {@code null} after reporting each one that is not a block. */
    private static List<AddressBlock> blocks(ProblemSink problems, String field, List<String> texts) {
        List<AddressBlock> blocks = new ArrayList<>();
        boolean valid = true;
        for (int i = 0; i < texts.size(); i++) {
            try {
                blocks.add(AddressBlock.parse(texts.get(i)));
            } catch (IllegalArgumentException e) {
                problems.at(field + "[" + i + "]", e.getMessage());
                valid = false;
            }
        }
        return valid ? blocks : null;
    }
}
