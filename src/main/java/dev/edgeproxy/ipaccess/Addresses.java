package dev.edgeproxy.ipaccess;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * IP address literals to bytes. Strict, so that a configuration means one thing: IPv4 only as four decimal
 * parts without leading zeros ({@code 010.0.0.1} is octal to some parsers, decimal to others), and never a
 * host name (nothing here resolves a name). An IPv4-mapped IPv6 address ({@code ::ffff:192.0.2.1}) is the
 * IPv4 address it carries: the same client, as a dual-stack listener may report it.
 */
final class Addresses {

    private Addresses() {
    }

    /** The address's 4 or 16 bytes, or {@code null} when {@code text} is no IPv4 or IPv6 literal. */
    static byte[] parse(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        return text.indexOf(':') >= 0 ? ipv6(text) : ipv4(text);
    }

    /**
     * A client's address as the listener reports it: as {@link #parse}, with an IPv6 zone ({@code %eth0})
     * ignored, since a block never names one.
     */
    static byte[] ofClient(String text) {
        if (text == null) {
            return null;
        }
        int zone = text.indexOf('%');
        return parse(zone < 0 ? text : text.substring(0, zone));
    }

    private static byte[] ipv4(String text) {
        byte[] bytes = new byte[4];
        int part = 0;
        int value = 0;
        int digits = 0;
        for (int i = 0; i <= text.length(); i++) {
            char c = i == text.length() ? '.' : text.charAt(i);
            if (c == '.') {
                if (digits == 0 || part == 4) {
                    return null;
                }
                bytes[part++] = (byte) value;
                value = 0;
                digits = 0;
            } else if (c >= '0' && c <= '9') {
                if (digits > 0 && value == 0) {
                    return null; // a leading zero
                }
                value = value * 10 + (c - '0');
                if (++digits > 3 || value > 255) {
                    return null;
                }
            } else {
                return null;
            }
        }
        return part == 4 ? bytes : null;
    }

    private static byte[] ipv6(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean allowed = c == ':' || c == '.' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')
                    || (c >= 'A' && c <= 'F');
            if (!allowed) {
                return null;
            }
        }
        try {
            // In brackets the JDK reads an IPv6 literal or fails; it never turns to name resolution.
            InetAddress address = InetAddress.getByName("[" + text + "]");
            if (address instanceof Inet4Address) {
                // Only an IPv4-mapped address comes back as IPv4; its last part must be strict as well.
                int dot = text.lastIndexOf(':');
                return text.indexOf('.') < 0 || ipv4(text.substring(dot + 1)) != null ? address.getAddress() : null;
            }
            return address.getAddress();
        } catch (UnknownHostException | IllegalArgumentException e) {
            return null;
        }
    }

    /** The usual text of {@code bytes}: dotted IPv4, or IPv6 as the JDK writes it. */
    static String format(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not 4 or 16 bytes", e);
        }
    }
}
