package dev.edgeproxy.testing;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static dev.edgeproxy.testing.Eventually.assertEventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RawOrigin records what a raw socket sent, byte for byte, and answers as documented. */
class RawOriginTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private static Socket connect(RawOrigin origin, String bytes) throws IOException {
        Socket socket = new Socket("127.0.0.1", origin.port());
        socket.setSoTimeout(5_000);
        OutputStream out = socket.getOutputStream();
        out.write(bytes.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return socket;
    }

    @Test
    void recordsHeadsExactlyAndBodiesAsFramed() throws IOException {
        String first = "POST /a HTTP/1.1\r\nHost: x\r\nX-Odd:  sp \r\nContent-Length: 5\r\n\r\n";
        String second = "GET /b?q=1 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
        String chunked = "3;ext=1\r\nabc\r\n0\r\nT: v\r\n\r\n";
        try (RawOrigin origin = new RawOrigin();
             Socket socket = connect(origin, first + "hello" + second + chunked)) {
            InputStream in = socket.getInputStream();
            assertEquals("ok", RawHttp.read(in).bodyText());
            assertEquals("ok", RawHttp.read(in).bodyText());

            List<RawOrigin.Received> requests = origin.requests();
            assertEquals(2, requests.size());
            assertEquals(1, origin.connections());

            RawOrigin.Received post = requests.get(0);
            assertEquals(first, post.head());
            assertEquals("POST /a HTTP/1.1", post.requestLine());
            assertEquals(List.of("Host: x", "X-Odd:  sp ", "Content-Length: 5"), post.headerLines());
            assertEquals("sp", post.header("x-odd"));
            assertEquals("hello", post.bodyText());

            RawOrigin.Received get = requests.get(1);
            assertEquals(second, get.head());
            assertEquals("/b?q=1", get.target());
            assertEquals("abc", get.bodyText());
            assertEquals(chunked, new String(get.rawBody(), StandardCharsets.ISO_8859_1));

            origin.clear();
            assertEquals(List.of(), origin.requests());
            assertEquals(0, origin.connections());
        }
    }

    @Test
    void readsLinesNaively() throws IOException {
        // Bare LF ends a line; a CR elsewhere stays in the line.
        String head = "GET /c HTTP/1.1\nHost: x\nX-A: a\rb\n\n";
        try (RawOrigin origin = new RawOrigin(); Socket socket = connect(origin, head)) {
            assertEquals(200, RawHttp.read(socket.getInputStream()).status());
            RawOrigin.Received received = origin.requests().get(0);
            assertEquals(head, received.head());
            assertEquals(List.of("Host: x", "X-A: a\rb"), received.headerLines());
        }
    }

    @Test
    void switchesProtocolsAndKeepsWhatFollows() throws IOException {
        try (RawOrigin origin = new RawOrigin();
             Socket socket = connect(origin, "GET /x/101 HTTP/1.1\r\nHost: x\r\nConnection: upgrade\r\nUpgrade: foo\r\n\r\n")) {
            assertEquals("HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\nUpgrade: foo\r\n\r\n",
                    readHead(socket.getInputStream()));
            socket.getOutputStream().write("not http".getBytes(StandardCharsets.US_ASCII));
            assertEventually(WAIT, () -> assertEquals("not http", origin.upgradedBytes()));
        }
    }

    @Test
    void hangsAndResetsByPath() throws IOException {
        try (RawOrigin origin = new RawOrigin()) {
            try (Socket hang = connect(origin, "GET /hang HTTP/1.1\r\nHost: x\r\n\r\n")) {
                hang.setSoTimeout(200);
                assertThrows(SocketTimeoutException.class, () -> hang.getInputStream().read());
                assertEquals("/hang", origin.requests().get(0).target());
            }
            try (Socket reset = connect(origin, "GET /reset HTTP/1.1\r\nHost: x\r\n\r\n")) {
                int read;
                try {
                    read = reset.getInputStream().read();
                } catch (SocketException e) {
                    read = -1; // connection reset
                }
                assertEquals(-1, read);
            }
            assertEquals(2, origin.awaitRequests(2, WAIT).size());
            assertEquals(2, origin.connections());
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            assertTrue(b >= 0, "closed inside the head");
            head.write(b);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }
}
