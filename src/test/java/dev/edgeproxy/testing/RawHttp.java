package dev.edgeproxy.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 spoken byte by byte over a plain socket, for the requests no well-behaved client would send
 * (two Host headers, raw dot segments, odd transfer codings) and for reading a response exactly as it
 * arrived: whether it was complete, or cut short.
 */
public final class RawHttp {

    private RawHttp() {
    }

    /**
     * What came back on the connection.
     *
     * @param complete false when the connection ended (or stalled) before the body its framing announced
     * @param trailers  the trailer fields of a chunked body, names in lower case
     */
    public record Response(int status, Map<String, String> headers, byte[] body, boolean complete,
                           Map<String, String> trailers) {

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** Sends {@code request} (ISO-8859-1, so any byte can be written) and reads one response. */
    public static Response exchange(int port, String request) {
        return exchange(port, request.getBytes(StandardCharsets.ISO_8859_1));
    }

    public static Response exchange(int port, byte[] request) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            return read(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads one response; a connection closed before its head ends is an {@code IOException}. */
    public static Response read(InputStream in) throws IOException {
        return read(in, "GET");
    }

    /**
     * Reads one response to a request with {@code method}: a response to {@code HEAD}, a 1xx, 204 or 304 has no body
     * whatever its headers say (RFC 9112 §6.3), so the next response on the connection can be read after it.
     */
    public static Response read(InputStream in, String method) throws IOException {
        String statusLine = line(in);
        if (statusLine == null) {
            throw new IOException("connection closed before a response");
        }
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, String> headers = fields(in);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        Map<String, String> trailers = new LinkedHashMap<>();
        boolean complete;
        if ("HEAD".equals(method) || status < 200 || status == 204 || status == 304) {
            complete = true;
        } else if (headers.containsKey("content-length")) {
            long length = Long.parseLong(headers.get("content-length"));
            complete = copy(in, body, length) == length;
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            complete = chunks(in, body, trailers);
        } else {
            copy(in, body, Long.MAX_VALUE);
            complete = true;
        }
        return new Response(status, headers, body.toByteArray(), complete, trailers);
    }

    /** Header (or trailer) lines up to the empty one; repeated names joined with commas. */
    private static Map<String, String> fields(InputStream in) throws IOException {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line = line(in); line != null && !line.isEmpty(); line = line(in)) {
            int colon = line.indexOf(':');
            fields.merge(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip(),
                    (a, b) -> a + "," + b);
        }
        return fields;
    }

    private static boolean chunks(InputStream in, ByteArrayOutputStream body, Map<String, String> trailers)
            throws IOException {
        while (true) {
            String size = line(in);
            if (size == null) {
                return false;
            }
            int semicolon = size.indexOf(';');
            long n = Long.parseLong((semicolon < 0 ? size : size.substring(0, semicolon)).strip(), 16);
            if (n == 0) {
                trailers.putAll(fields(in));
                return true;
            }
            if (copy(in, body, n) != n || line(in) == null) {
                return false;
            }
        }
    }

    /** Copies up to {@code max} bytes; fewer when the connection ends or stalls. */
    private static long copy(InputStream in, ByteArrayOutputStream out, long max) throws IOException {
        byte[] buffer = new byte[8192];
        long copied = 0;
        try {
            while (copied < max) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, max - copied));
                if (n < 0) {
                    break;
                }
                out.write(buffer, 0, n);
                copied += n;
            }
        } catch (SocketTimeoutException | java.net.SocketException e) {
            // a stall or a reset: what arrived so far is all there is
        }
        return copied;
    }

    /** A CRLF-terminated line without its terminator, or {@code null} at the end of the stream. */
    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        try {
            while ((c = in.read()) >= 0) {
                if (c == '\n') {
                    int end = line.length();
                    return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
                }
                line.append((char) c);
            }
        } catch (java.net.SocketException e) {
            return null;
        }
        return null;
    }
}
