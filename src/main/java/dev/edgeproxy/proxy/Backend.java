package dev.edgeproxy.proxy;

/**
 * Where a route forwards to: {@code host:port}, over the route table's {@link OriginClient} for the backend's
 * TLS and protocol settings.
 *
 * @param origin     the client to use; {@code null}: the server's plain HTTP/1.1 client
 * @param serverName the TLS server name sent (SNI) and verified; {@code null}: {@code host}
 */
public record Backend(String host, int port, OriginClient origin, String serverName) {

    /** Plain HTTP/1.1. */
    public Backend(String host, int port) {
        this(host, port, null, null);
    }

    /** The same address over {@code origin}, with the TLS server name {@code serverName} (or {@code null}). */
    public Backend with(OriginClient origin, String serverName) {
        return new Backend(host, port, origin, serverName);
    }

    /**
     * Parses {@code host:port} ({@code [v6]:port} for IPv6 literals).
     *
     * @throws IllegalArgumentException when the value is not {@code host:port} with a port in 1..65535
     */
    public static Backend parse(String value) {
        String v = value == null ? "" : value.strip();
        int colon = v.lastIndexOf(':');
        if (colon <= 0 || colon == v.length() - 1) {
            throw new IllegalArgumentException("'" + v + "' is not host:port");
        }
        String host = v.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":") || host.contains("/")) {
            throw new IllegalArgumentException("'" + v + "' is not host:port");
        }
        if (host.isEmpty() || host.contains(" ")) {
            throw new IllegalArgumentException("'" + v + "' is not host:port");
        }
        String portText = v.substring(colon + 1);
        if (!portText.matches("[0-9]{1,5}")) {
            throw new IllegalArgumentException("'" + v + "' has no numeric port");
        }
        int port = Integer.parseInt(portText);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("'" + v + "' has port out of range 1-65535");
        }
        return new Backend(host, port);
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
