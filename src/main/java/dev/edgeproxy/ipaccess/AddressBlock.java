package dev.edgeproxy.ipaccess;

import java.util.Arrays;

/** An IPv4 or IPv6 network: an address and how many of its leading bits a client's address must share. */
final class AddressBlock {

    private final byte[] network;
    private final int prefix;

    private AddressBlock(byte[] network, int prefix) {
        this.network = network;
        this.prefix = prefix;
    }

    /**
     * Reads {@code 192.0.2.0/24}, {@code 2001:db8::/32}, or one address ({@code 192.0.2.7}, a block of one).
     *
     * @throws IllegalArgumentException saying what is wrong, for the configuration error
     */
    static AddressBlock parse(String text) {
        int slash = text.indexOf('/');
        String addressText = slash < 0 ? text : text.substring(0, slash);
        byte[] address = Addresses.parse(addressText);
        if (address == null) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR block (such as "
                    + "192.0.2.0/24 or 2001:db8::/32)");
        }
        int bits = address.length * 8;
        if (addressText.indexOf(':') >= 0 && address.length == 4) {
            throw new IllegalArgumentException("'" + text + "': write an IPv4-mapped address as IPv4 ("
                    + Addresses.format(address) + "), which is how it is matched");
        }
        int prefix = bits;
        if (slash >= 0) {
            String prefixText = text.substring(slash + 1);
            prefix = prefixText.matches("0|[1-9][0-9]{0,2}") ? Integer.parseInt(prefixText) : -1;
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("'" + text + "': the prefix length must be 0 to " + bits);
            }
        }
        byte[] network = mask(address, prefix);
        if (!Arrays.equals(network, address)) {
            // 10.1.2.3/8 is most likely a typo for one of two things; refuse rather than guess.
            throw new IllegalArgumentException("'" + text + "' has bits set beyond its /" + prefix + " prefix: the "
                    + "block is " + Addresses.format(network) + "/" + prefix + ", one address is "
                    + Addresses.format(address));
        }
        return new AddressBlock(network, prefix);
    }

    /** Whether {@code address} (4 or 16 bytes) is in this block; an IPv4 address is never in an IPv6 block. */
    boolean contains(byte[] address) {
        if (address.length != network.length) {
            return false;
        }
        int whole = prefix / 8;
        for (int i = 0; i < whole; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int keep = 0xff << (8 - rest) & 0xff;
        return (address[whole] & keep) == (network[whole] & 0xff);
    }

    private static byte[] mask(byte[] address, int prefix) {
        byte[] masked = address.clone();
        for (int i = 0; i < masked.length; i++) {
            int bitsHere = Math.max(0, Math.min(8, prefix - i * 8));
            masked[i] = (byte) (masked[i] & (0xff << (8 - bitsHere)));
        }
        return masked;
    }

    @Override
    public String toString() {
        return Addresses.format(network) + "/" + prefix;
    }
}
