package dev.edgeproxy.route;

import java.util.List;
import java.util.Locale;

/**
 * A route's {@code hostnames}: exact names or leading wildcards ({@code *.example.org} matches
 * {@code a.example.org} and {@code a.b.example.org}, not {@code example.org}). Empty matches any host.
 */
public record HostMatch(List<String> exact, List<String> suffixes) {

    public static final HostMatch ANY = new HostMatch(List.of(), List.of());

    public HostMatch {
        exact = List.copyOf(exact);
        suffixes = List.copyOf(suffixes);
    }

    /** Builds from configured names, which the compiler has already validated. */
    public static HostMatch of(List<String> hostnames) {
        List<String> exact = hostnames.stream()
                .filter(h -> !h.startsWith("*."))
                .map(h -> h.toLowerCase(Locale.ROOT))
                .toList();
        List<String> suffixes = hostnames.stream()
                .filter(h -> h.startsWith("*."))
                .map(h -> h.substring(1).toLowerCase(Locale.ROOT))
                .toList();
        return new HostMatch(exact, suffixes);
    }

    /** @param host lower-case host without port */
    public boolean matches(String host) {
        if (exact.isEmpty() && suffixes.isEmpty()) {
            return true;
        }
        if (exact.contains(host)) {
            return true;
        }
        for (String suffix : suffixes) {
            if (host.length() > suffix.length() && host.endsWith(suffix)) {
                return true;
            }
        }
        return false;
    }
}
