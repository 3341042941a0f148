import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One keep-alive HTTP/1.1 connection to the proxy, written and read by hand so that the soak controls the
 * exact bytes sent (Content-Length or chunked bodies) and sees a broken answer as what it is: a truncated
 * body or a reset is an exception, never a silently shortened response.
 */
final class Connection implements Closeable {

    /** Bodies are kept up to this size for comparison; the rest is read and dropped. */
    private static final int KEEP = 4096;
    /** Long enough for a 1 MiB body on a loaded machine; a proxy that does not answer by then has hung. */
    static final int TIMEOUT_MS = 15_000;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] line = new byte[8192];
    private final byte[] skip = new byte[16384];

    Connection(int port) throws IOException {
        this(port, TIMEOUT_MS);
    }

    Connection(int port, int timeoutMs) throws IOException {
        socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(timeoutMs);
            socket.connect(new InetSocketAddress("127.0.0.1", port), timeoutMs);
            in = new BufferedInputStream(socket.getInputStream(), 16384);
            out = socket.getOutputStream();
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    Response exchange(Request request) throws IOException {
        out.write(request.head());
        if (request.body() != null) {
            out.write(request.body());
        }
        out.flush();
        return read();
    }

    private Response read() throws IOException {
        String status = readLine();
        if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) {
            throw new IOException("not an HTTP/1.1 status line");
        }
        int code = Integer.parseInt(status.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        boolean close = false;
        for (String h = readLine(); !h.isEmpty(); h = readLine()) {
            int colon = h.indexOf(':');
            if (colon <= 0) {
                throw new IOException("malformed header line");
            }
            String name = h.substring(0, colon).trim().toLowerCase();
            String value = h.substring(colon + 1).trim().toLowerCase();
            switch (name) {
                case "content-length" -> length = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.endsWith("chunked");
                case "connection" -> close = value.contains("close");
                default -> { }
            }
        }
        StringBuilder body = new StringBuilder();
        if (chunked) {
            for (long size = chunkSize(); size > 0; size = chunkSize()) {
                readBody(size, body);
                readLine();
            }
            while (!readLine().isEmpty()) {
                // trailers: none expected, skipped
            }
        } else if (length > 0) {
            readBody(length, body);
        } else if (length < 0 && code != 204 && code != 304) {
            throw new IOException("answer without length on a keep-alive connection");
        }
        return new Response(code, body.toString(), close);
    }

    private long chunkSize() throws IOException {
        String l = readLine();
        int semi = l.indexOf(';');
        return Long.parseLong((semi < 0 ? l : l.substring(0, semi)).trim(), 16);
    }

    private void readBody(long n, StringBuilder keep) throws IOException {
        while (n > 0) {
            int r = in.read(skip, 0, (int) Math.min(skip.length, n));
            if (r < 0) {
                throw new EOFException("answer body cut short");
            }
            if (keep.length() < KEEP) {
                keep.append(new String(skip, 0, Math.min(r, KEEP - keep.length()), StandardCharsets.ISO_8859_1));
            }
            n -= r;
        }
    }

    private String readLine() throws IOException {
        int n = 0;
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new EOFException(n == 0 ? "connection closed" : "answer cut short");
            }
            if (n == line.length) {
                throw new IOException("line too long");
            }
            line[n++] = (byte) b;
        }
        if (n > 0 && line[n - 1] == '\r') {
            n--;
        }
        return new String(line, 0, n, StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing a socket that already failed: nothing left to do
        }
    }
}
