package dev.edgeproxy.ipaccess;

import dev.edgeproxy.cel.RequestVariables;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The decision table of {@link IpAccess}: allow only, deny only, both, and clients it cannot read. */
class IpAccessTest {

    private static final IpAccess ALLOW_ONLY = lists(List.of("192.0.2.0/24", "2001:db8::/32"), List.of());
    private static final IpAccess DENY_ONLY = lists(List.of(), List.of("198.51.100.0/24", "::1"));
    private static final IpAccess BOTH = lists(List.of("10.0.0.0/8"), List.of("10.9.0.0/16"));

    @ParameterizedTest(name = "{0} {1}: {2}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            "allow | 192.0.2.44         | true",
            "allow | 2001:db8:ffff::1   | true",
            "allow | 198.51.100.1       | false",
            "allow | ::ffff:192.0.2.44  | true",
            "deny  | 198.51.100.7       | false",
            "deny  | ::1                | false",
            "deny  | 0:0:0:0:0:0:0:1    | false",
            "deny  | 127.0.0.1          | true",
            "both  | 10.1.2.3           | true",
            "both  | 10.9.2.3           | false",
            "both  | 11.0.0.1           | false",
            // A client address that cannot be read is refused, whatever the lists: evaluation errors deny.
            "deny  | ''                 | false",
            "deny  | null               | false",
            "deny  | /tmp/edge.sock     | false",
            "allow | localhost          | false"})
    void decides(String lists, String client, boolean admitted) {
        IpAccess access = switch (lists) {
            case "allow" -> ALLOW_ONLY;
            case "deny" -> DENY_ONLY;
            default -> BOTH;
        };
        assertEquals(admitted, access.admits(client));
        assertEquals(admitted, access.admit(new Client(client)) == null);
        assertEquals(admitted, access.peek(new Client(client)) == null, "peek decides the same");
    }

    private static IpAccess lists(List<String> allow, List<String> deny) {
        return new IpAccess(allow.stream().map(AddressBlock::parse).toList(),
                deny.stream().map(AddressBlock::parse).toList());
    }

    /** A request from {@code address}: all the policy reads of it. */
    record Client(String sourceAddress) implements RequestVariables.Source {
        @Override
        public String method() {
            return "GET";
        }

        @Override
        public String path() {
            return "/";
        }

        @Override
        public String pathAndQuery() {
            return "/";
        }

        @Override
        public String host() {
            return "edge.example";
        }

        @Override
        public String scheme() {
            return "https";
        }

        @Override
        public Map<String, String> headers() {
            return Map.of("x-forwarded-for", "192.0.2.1");
        }

        @Override
        public Map<String, String> query() {
            return Map.of();
        }

        @Override
        public long sourcePort() {
            return 40_000;
        }

        @Override
        public Map<String, Object> claims() {
            return Map.of();
        }
    }
}
