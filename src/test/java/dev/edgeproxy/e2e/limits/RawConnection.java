package dev.edgeproxy.e2e.limits;

import io.restassured.RestAssured;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A plain TCP connection to the proxy port, for what an HTTP client library would not do: send a head
 * byte by byte, send oversized heads, hold connections, and tell "closed" from "still open".
 */
final class RawConnection implements AutoCloseable {

    /** How the server left a connection we were waiting on. */
    enum End { CLOSED, DATA, STILL_OPEN }

    /** A response as read off the wire. */
    record Response(int status, Map<String, String> headers, String body) {
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects to the proxy port of the application under test. */
    static RawConnection open() throws IOException {
        Socket socket = new Socket("127.0.0.1", RestAssured.port);
        socket.setTcpNoDelay(true);
        return new RawConnection(socket);
    }

    /** Sends {@code text} (ISO-8859-1, as HTTP heads are). */
    void send(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Waits up to {@code bound} for the server to close the connection, or to send something. */
    End awaitEnd(Duration bound) throws IOException {
        socket.setSoTimeout((int) bound.toMillis());
        try {
            return in.read() < 0 ? End.CLOSED : End.DATA;
        } catch (SocketTimeoutException e) {
            return End.STILL_OPEN;
        } catch (IOException reset) {
            return End.CLOSED;
        }
    }

    /** Reads one response: its head, then a body of {@code Content-Length} bytes or up to the close. */
    Response readResponse(Duration bound) throws IOException {
        socket.setSoTimeout((int) bound.toMillis());
        String head = readHead();
        String[] lines = head.split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new TreeMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        String length = headers.get("content-length");
        if (length != null) {
            body.write(in.readNBytes(Integer.parseInt(length)));
        } else {
            in.transferTo(body);
        }
        return new Response(status, headers, body.toString(StandardCharsets.UTF_8));
    }

    private String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after " + head.size() + " bytes of a response head");
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1).stripTrailing();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
