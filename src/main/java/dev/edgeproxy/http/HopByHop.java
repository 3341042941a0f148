package dev.edgeproxy.http;

import io.vertx.core.MultiMap;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Header hygiene between user agent and origin (RFC 9110 §7.6.1): hop-by-hop headers describe one
 * connection and must not be forwarded in either direction, nor any header the sender named in
 * {@code Connection}.
 */
public final class HopByHop {

    /**
     * The fixed hop-by-hop set (docs/reference.md#forwarding): lower-case names, looked up case-insensitively, so a
     * header name need not be lower-cased (copied) to be checked.
     */
    public static final Set<String> HEADERS = caseInsensitive(
            "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade");

    private HopByHop() {
    }

    /**
     * Copies every end-to-end header of {@code from} into {@code to}, preserving repeated values and
     * order. Names are compared case-insensitively.
     */
    public static void copyEndToEnd(MultiMap from, MultiMap to) {
        Set<String> drop = connectionTokens(from);
        for (Map.Entry<String, String> header : from) {
            String name = header.getKey();
            if (!HEADERS.contains(name) && (drop.isEmpty() || !drop.contains(name))) {
                to.add(header.getKey(), header.getValue());
            }
        }
    }

    /**
     * Whether the user agent's {@code TE} lists {@code trailers}: the one TE value passed on, to an HTTP/2
     * origin (RFC 9113 §8.2.2), since gRPC servers need it. Other TE values concern one hop only.
     */
    public static boolean acceptsTrailers(MultiMap headers) {
        for (String value : headers.getAll("te")) {
            for (String token : value.split(",")) {
                String t = token.strip();
                int semicolon = t.indexOf(';');
                if ((semicolon < 0 ? t : t.substring(0, semicolon).strip()).equalsIgnoreCase("trailers")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Header names listed in every {@code Connection} header, looked up case-insensitively. */
    static Set<String> connectionTokens(MultiMap headers) {
        List<String> values = headers.getAll("connection");
        if (values.isEmpty()) {
            return Set.of();
        }
        Set<String> tokens = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        for (String value : values) {
            for (String token : value.split(",")) {
                String t = token.strip();
                if (!t.isEmpty()) {
                    tokens.add(t);
                }
            }
        }
        return tokens;
    }

    private static Set<String> caseInsensitive(String... names) {
        Set<String> set = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        set.addAll(List.of(names));
        return Collections.unmodifiableSet(set);
    }
}
