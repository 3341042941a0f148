package dev.edgeproxy.http;

import dev.edgeproxy.error.GatewayError;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestHeadTest {

    private static MultiMap headers(String... nameValues) {
        MultiMap h = MultiMap.caseInsensitiveMultiMap();
        for (int i = 0; i < nameValues.length; i += 2) {
            h.add(nameValues[i], nameValues[i + 1]);
        }
        return h;
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.com", "example.com:8080", "EXAMPLE.com", "127.0.0.1:1", "[::1]", "[::1]:443",
            "a_b.internal", "h:65535"})
    void validAuthorities(String host) {
        assertTrue(RequestHead.validAuthority(host));
        assertEquals(host, RequestHead.authority(HttpVersion.HTTP_1_1, headers("host", host), null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "a b", "a,b", "a/b", "user@h", "h:", "h:65536", "h:8x", "h:1:2", "[::1", "[]",
            "[zz]", "h\\x", ":80", "h?", "h#"})
    void invalidAuthorities(String host) {
        assertFalse(RequestHead.validAuthority(host));
        GatewayError.BadRequest e = assertThrows(GatewayError.BadRequest.class,
                () -> RequestHead.authority(HttpVersion.HTTP_1_1, headers("host", host), null));
        assertEquals("invalid Host header", e.getMessage());
    }

    @Test
    void exactlyOneHost() {
        assertEquals("more than one Host header", assertThrows(GatewayError.BadRequest.class,
                () -> RequestHead.authority(HttpVersion.HTTP_1_1, headers("host", "a", "Host", "a"), null)).getMessage());
        assertEquals("missing Host header", assertThrows(GatewayError.BadRequest.class,
                () -> RequestHead.authority(HttpVersion.HTTP_1_1, headers(), null)).getMessage());
        assertEquals("", RequestHead.authority(HttpVersion.HTTP_1_0, headers(), null));
    }

    @Test
    void http2AuthorityWinsAndHostMustAgree() {
        assertEquals("h:8443", RequestHead.authority(HttpVersion.HTTP_2, headers(), "h:8443"));
        assertEquals("h", RequestHead.authority(HttpVersion.HTTP_2, headers("host", "H"), "h"));
        assertEquals("Host differs from :authority", assertThrows(GatewayError.BadRequest.class,
                () -> RequestHead.authority(HttpVersion.HTTP_2, headers("host", "other"), "h")).getMessage());
    }

    @Test
    void onlyExactlyChunked() {
        assertDoesNotThrow(() -> RequestHead.checkFraming(HttpVersion.HTTP_1_1, headers()));
        assertDoesNotThrow(() -> RequestHead.checkFraming(HttpVersion.HTTP_1_1, headers("transfer-encoding", "chunked")));
        assertDoesNotThrow(() -> RequestHead.checkFraming(HttpVersion.HTTP_1_1, headers("transfer-encoding", " Chunked ")));
        for (String coding : new String[] {"gzip, chunked", "chunked, chunked", "xchunked", "gzip", "identity", "chunked;q=1"}) {
            assertThrows(GatewayError.NotImplemented.class,
                    () -> RequestHead.checkFraming(HttpVersion.HTTP_1_1, headers("transfer-encoding", coding)), coding);
        }
        assertThrows(GatewayError.NotImplemented.class, () -> RequestHead.checkFraming(HttpVersion.HTTP_1_1,
                headers("transfer-encoding", "chunked", "transfer-encoding", "chunked")));
        assertThrows(GatewayError.BadRequest.class,
                () -> RequestHead.checkFraming(HttpVersion.HTTP_1_0, headers("transfer-encoding", "chunked")));
    }
}
