package dev.edgeproxy.ipaccess;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Address literals and blocks: what is read, what is refused and why, and which client is inside. */
class AddressBlockTest {

    @ParameterizedTest(name = "{0} in {1}: {2}")
    @CsvSource({
            "192.0.2.7,         192.0.2.0/24,     true",
            "192.0.2.255,       192.0.2.0/24,     true",
            "192.0.3.0,         192.0.2.0/24,     false",
            "10.200.0.1,        10.128.0.0/9,     true",
            "10.127.255.255,    10.128.0.0/9,     false",
            "192.0.2.7,         192.0.2.7,        true",
            "192.0.2.8,         192.0.2.7,        false",
            "203.0.113.9,       0.0.0.0/0,        true",
            "2001:db8::1,       0.0.0.0/0,        false",
            "192.0.2.7,         ::/0,             false",
            "2001:db8:0:1::5,   2001:db8::/32,    true",
            "2001:db9::1,       2001:db8::/32,    false",
            "2001:db8::1,       2001:db8::1/128,  true",
            "2001:0db8::0001,   2001:db8::1,      true",
            "0:0:0:0:0:0:0:1,   ::1,              true",
            "::1%lo,            ::1,              true",
            "fe80::1%eth0,      fe80::/10,        true",
            "febf::1,           fe80::/10,        true",
            "fec0::1,           fe80::/10,        false",
            "::ffff:192.0.2.7,  192.0.2.0/24,     true",
            "::ffff:c000:0207,  192.0.2.0/24,     true"})
    void clientInBlock(String client, String block, boolean inside) {
        byte[] address = Addresses.ofClient(client);
        assertNotNull(address, client);
        assertEquals(inside, AddressBlock.parse(block).contains(address));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "localhost", "example.com", "192.0.2", "192.0.2.1.5", "192.0.2.256", "010.0.0.1",
            "1.2.3.04", "192.0.2.-1", " 192.0.2.1", "192.0.2.1 ", "0x7f.0.0.1", "2001:db8::g", "2001:db8:::1",
            "1:2:3:4:5:6:7:8:9", "[::1]", "::ffff:010.0.0.1", "1.2.3.4.", ".1.2.3"})
    void notAnAddress(String text) {
        assertNull(Addresses.parse(text), text);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "localhost                | is not an IP address or CIDR block",
            "192.0.2.0/33             | the prefix length must be 0 to 32",
            "2001:db8::/129           | the prefix length must be 0 to 128",
            "192.0.2.0/-1             | the prefix length must be 0 to 32",
            "192.0.2.0/08             | the prefix length must be 0 to 32",
            "192.0.2.0/               | the prefix length must be 0 to 32",
            "192.0.2.0/24/8           | the prefix length must be 0 to 32",
            "10.1.2.3/8               | has bits set beyond its /8 prefix: the block is 10.0.0.0/8, one address is 10.1.2.3",
            "2001:db8::1/32           | has bits set beyond its /32 prefix: the block is 2001:db8:0:0:0:0:0:0/32",
            "::ffff:192.0.2.0/120     | write an IPv4-mapped address as IPv4 (192.0.2.0)",
            "fe80::1%eth0             | is not an IP address or CIDR block"})
    void refusedBlocksSayWhy(String text, String why) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> AddressBlock.parse(text));
        assertTrue(refused.getMessage().contains(why), refused.getMessage());
        assertTrue(refused.getMessage().startsWith("'" + text + "'"), refused.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"192.0.2.0/24, 192.0.2.0/24", "192.0.2.7, 192.0.2.7/32", "2001:db8::/32, 2001:db8:0:0:0:0:0:0/32"})
    void blocksPrintCanonically(String text, String canonical) {
        assertEquals(canonical, AddressBlock.parse(text).toString());
    }
}
