package dev.edgeproxy.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/1.1 origin on a raw socket that records the exact bytes of each request head the proxy sent (request
 * line, header lines and the blank line, byte for byte) and the body as its framing delimited it, so a test can
 * assert what crossed the proxy's HTTP/2 to HTTP/1.1 seam: a CR, LF or NUL that got through, a header that was
 * not removed, a Content-Length that disagrees with the body.
 *
 * <p>It reads like a naive server: a line ends at LF (a CR before it is dropped, a CR anywhere else is kept) and
 * the head ends at the first empty line. Every request gets {@code 200} with body {@code ok} and a Content-Length
 * on a connection kept alive, except by the path's suffix (the query is ignored):
 * <ul>
 *   <li>{@code /hang}: no answer; the connection stays open until the peer closes it;</li>
 *   <li>{@code /101}: {@code 101 Switching Protocols} with {@code Upgrade: foo}, then the socket stays open and
 *       every byte that follows is kept ({@link #upgradedBytes()});</li>
 *   <li>{@code /reset}: the connection is reset at once (RST, no answer);</li>
 *   <li>a suffix given to {@link #script}: the bytes given there, after which the connection is closed if asked.</li>
 * </ul>
 */
public final class RawOrigin implements AutoCloseable {

    private static final int MAX_HEAD = 1 << 20;
    private static final byte[] OK =
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OK_HEAD =
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SWITCHING = "HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\nUpgrade: foo\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /**
     * One request as the origin read it.
     *
     * @param head        the head's exact bytes as ISO-8859-1, request line to the blank line included
     * @param requestLine the first line, without its line end
     * @param headerLines the lines after it, each without its LF and a CR before the LF; the blank one excluded
     * @param body        the body with any chunked framing removed
     * @param rawBody     the body bytes as they arrived (chunk sizes, extensions and trailers included)
     * @param connection  the number of the connection it came on (1 for the first accepted)
     */
    public record Received(String head, String requestLine, List<String> headerLines, byte[] body, byte[] rawBody,
                           int connection) {

        public String method() {
            return requestLine.split(" ", -1)[0];
        }

        /** The request target (second token of the request line). */
        public String target() {
            String[] parts = requestLine.split(" ", -1);
            return parts.length > 1 ? parts[1] : "";
        }

        /** Every value of header {@code name} (case-insensitive), as the text after the first ':' trimmed. */
        public List<String> headers(String name) {
            List<String> values = new ArrayList<>();
            for (String line : headerLines) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    values.add(line.substring(colon + 1).trim());
                }
            }
            return values;
        }

        /** The first value of header {@code name}, or null. */
        public String header(String name) {
            List<String> values = headers(name);
            return values.isEmpty() ? null : values.get(0);
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final ServerSocket server;
    private final List<Received> requests = new CopyOnWriteArrayList<>();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connections = new AtomicInteger();
    private final ByteArrayOutputStream upgraded = new ByteArrayOutputStream();
    private volatile boolean closing;
    private final Map<String, Script> scripts = new ConcurrentHashMap<>();

    private record Script(byte[] answer, boolean close) {
    }

    /**
     * Requests whose path ends with {@code suffix} get {@code answer} exactly (ISO-8859-1), whatever it says; the
     * connection is then closed when {@code close}, else read on for the next request.
     */
    public void script(String suffix, String answer, boolean close) {
        scripts.put(suffix, new Script(answer.getBytes(StandardCharsets.ISO_8859_1), close));
    }

    /** Listens on 127.0.0.1 on a free port. */
    public RawOrigin() {
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(this::accept, "raw-origin-accept-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The requests received so far, in order of arrival. */
    public List<Received> requests() {
        return List.copyOf(requests);
    }

    /** Waits until at least {@code count} requests have arrived, or {@code timeout}; returns them all. */
    public List<Received> awaitRequests(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (requests.size() < count && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return requests();
    }

    /** How many connections were accepted (since the last {@link #clear()}). */
    public int connections() {
        return connections.get();
    }

    /** Every byte received after a {@code 101} answer, on all connections, as ISO-8859-1. */
    public String upgradedBytes() {
        synchronized (upgraded) {
            return upgraded.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /** Forgets the requests, the upgraded bytes and the connection count; open connections stay open. */
    public void clear() {
        requests.clear();
        connections.set(0);
        synchronized (upgraded) {
            upgraded.reset();
        }
    }

    @Override
    public void close() {
        closing = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (Socket socket : open) {
            closeQuietly(socket);
        }
    }

    private void accept() {
        while (!closing) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            int number = connections.incrementAndGet();
            open.add(socket);
            Thread worker = new Thread(() -> serve(socket, number), "raw-origin-conn-" + number);
            worker.setDaemon(true);
            worker.start();
        }
    }

    private void serve(Socket socket, int number) {
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (true) {
                ByteArrayOutputStream head = new ByteArrayOutputStream();
                List<String> lines = readHead(in, head);
                if (lines == null) {
                    return; // the peer closed between requests
                }
                String requestLine = lines.isEmpty() ? "" : lines.get(0);
                List<String> headerLines = lines.isEmpty() ? List.of() : lines.subList(1, lines.size());
                Received partial = new Received(head.toString(StandardCharsets.ISO_8859_1), requestLine,
                        List.copyOf(headerLines), new byte[0], new byte[0], number);
                String path = path(partial.target());
                if (path.endsWith("/reset")) {
                    requests.add(partial);
                    socket.setSoLinger(true, 0); // close sends RST
                    return;
                }
                if ("100-continue".equalsIgnoreCase(partial.header("expect"))) {
                    out.write(CONTINUE);
                    out.flush();
                }
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                ByteArrayOutputStream rawBody = new ByteArrayOutputStream();
                boolean complete = true;
                try {
                    readBody(in, partial, body, rawBody);
                } catch (IOException | NumberFormatException e) {
                    // A body cut short or unreadable framing: the head (and what came of the body) still counts.
                    complete = false;
                }
                requests.add(new Received(partial.head(), requestLine, partial.headerLines(), body.toByteArray(),
                        rawBody.toByteArray(), number));
                if (!complete) {
                    return;
                }
                if (path.endsWith("/hang")) {
                    drain(in, null);
                    return;
                }
                Script script = scripts.entrySet().stream().filter(e -> path.endsWith(e.getKey()))
                        .map(Map.Entry::getValue).findFirst().orElse(null);
                if (script != null) {
                    out.write(script.answer());
                    out.flush();
                    if (script.close()) {
                        return;
                    }
                    continue;
                }
                if (path.endsWith("/101")) {
                    out.write(SWITCHING);
                    out.flush();
                    drain(in, upgraded);
                    return;
                }
                out.write("HEAD".equals(partial.method()) ? OK_HEAD : OK);
                out.flush();
                if (partial.headers("connection").stream().anyMatch(v -> v.toLowerCase(Locale.ROOT).contains("close"))) {
                    return;
                }
            }
        } catch (IOException e) {
            // the peer went away mid-request, or close(): nothing to answer
        } finally {
            open.remove(socket);
        }
    }

    /**
     * Reads lines up to and including the first empty one into {@code head}; returns them without line ends, or
     * null when the stream ends before the first byte.
     */
    private static List<String> readHead(InputStream in, ByteArrayOutputStream head) throws IOException {
        List<String> lines = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (head.size() == 0) {
                    return null;
                }
                throw new IOException("connection closed inside a request head");
            }
            head.write(b);
            if (head.size() > MAX_HEAD) {
                throw new IOException("request head over " + MAX_HEAD + " bytes");
            }
            if (b != '\n') {
                line.write(b);
                continue;
            }
            String text = line.toString(StandardCharsets.ISO_8859_1);
            line.reset();
            if (text.endsWith("\r")) {
                text = text.substring(0, text.length() - 1);
            }
            if (text.isEmpty()) {
                return lines;
            }
            lines.add(text);
        }
    }

    /** Chunked when the last Transfer-Encoding coding is chunked (it wins over Content-Length), else Content-Length. */
    private static void readBody(InputStream in, Received request, ByteArrayOutputStream body,
                                 ByteArrayOutputStream raw) throws IOException {
        List<String> codings = new ArrayList<>();
        request.headers("transfer-encoding").forEach(v -> {
            for (String c : v.split(",")) {
                codings.add(c.trim().toLowerCase(Locale.ROOT));
            }
        });
        if (!codings.isEmpty() && codings.get(codings.size() - 1).equals("chunked")) {
            readChunked(in, body, raw);
            return;
        }
        String length = request.header("content-length");
        if (length != null) {
            long n = Long.parseLong(length.split(",")[0].trim());
            for (long i = 0; i < n; i++) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("connection closed inside a body");
                }
                body.write(b);
                raw.write(b);
            }
        }
    }

    private static void readChunked(InputStream in, ByteArrayOutputStream body, ByteArrayOutputStream raw)
            throws IOException {
        while (true) {
            String sizeLine = rawLine(in, raw);
            int semicolon = sizeLine.indexOf(';');
            long size = Long.parseLong((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            if (size == 0) {
                while (!rawLine(in, raw).isEmpty()) {
                    // trailer fields: kept in rawBody only
                }
                return;
            }
            for (long i = 0; i < size; i++) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("connection closed inside a chunk");
                }
                body.write(b);
                raw.write(b);
            }
            rawLine(in, raw); // the CRLF after the chunk data
        }
    }

    /** One line up to LF, copied into {@code raw}; returned without its LF and a CR before it. */
    private static String rawLine(InputStream in, ByteArrayOutputStream raw) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed inside a chunked body");
            }
            raw.write(b);
            line.write(b);
        }
        raw.write('\n');
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    /** Reads until the peer closes, keeping the bytes in {@code into} when not null. */
    private static void drain(InputStream in, ByteArrayOutputStream into) throws IOException {
        byte[] buffer = new byte[8192];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            if (into != null) {
                synchronized (into) {
                    into.write(buffer, 0, n);
                }
            }
        }
    }

    private static String path(String target) {
        int query = target.indexOf('?');
        return query < 0 ? target : target.substring(0, query);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
