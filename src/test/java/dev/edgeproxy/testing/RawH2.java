package dev.edgeproxy.testing;

import dev.edgeproxy.testing.H2Wire.Frame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;


import static dev.edgeproxy.testing.H2Wire.CONTINUATION;
import static dev.edgeproxy.testing.H2Wire.DATA;
import static dev.edgeproxy.testing.H2Wire.FLAG_ACK;
import static dev.edgeproxy.testing.H2Wire.FLAG_END_HEADERS;
import static dev.edgeproxy.testing.H2Wire.FLAG_END_STREAM;
import static dev.edgeproxy.testing.H2Wire.FLAG_PADDED;
import static dev.edgeproxy.testing.H2Wire.FLAG_PRIORITY;
import static dev.edgeproxy.testing.H2Wire.GOAWAY;
import static dev.edgeproxy.testing.H2Wire.HEADERS;
import static dev.edgeproxy.testing.H2Wire.PING;
import static dev.edgeproxy.testing.H2Wire.PREFACE;
import static dev.edgeproxy.testing.H2Wire.PUSH_PROMISE;
import static dev.edgeproxy.testing.H2Wire.RST_STREAM;
import static dev.edgeproxy.testing.H2Wire.SETTINGS;
import static dev.edgeproxy.testing.H2Wire.SETTINGS_HEADER_TABLE_SIZE;
import static dev.edgeproxy.testing.H2Wire.WINDOW_UPDATE;
import static dev.edgeproxy.testing.H2Wire.literalBlock;
import static dev.edgeproxy.testing.H2Wire.parseSettings;
import static dev.edgeproxy.testing.H2Wire.settingsPayload;
import static dev.edgeproxy.testing.H2Wire.split;

/**
 * An HTTP/2 client that writes raw frames over a plain socket (h2c with prior knowledge) or TLS (ALPN {@code h2}),
 * for sending the requests no client library would send: control characters, CR or LF in values, names with
 * {@code :}, spaces or upper case, duplicate or missing pseudo-headers, connection-specific headers, a
 * {@code content-length} that disagrees with the DATA, CONTINUATION floods, rapid resets, a window never opened.
 *
 * <p>Sending validates nothing: header blocks come from {@link H2Wire#literalBlock} (any byte in names and values),
 * frames are written as given, whatever their size or stream id, and {@link #frame} and {@link #raw} send anything
 * else. Receiving is done by a background reader that keeps, per stream, the response headers, body, trailers,
 * END_STREAM and RST_STREAM code, and for the connection the server's SETTINGS, GOAWAY and every frame read. It
 * ACKs SETTINGS, answers PINGs and (unless {@link #autoWindowUpdate(boolean) told not to}) gives back the flow
 * control window of every DATA frame it reads.
 *
 * <p>Each sending method is one write. For floods (rapid reset, CONTINUATION), build the frames with
 * {@link H2Wire} and send them in one {@link #raw} call, for example
 * {@code H2Wire.frame(H2Wire.HEADERS, H2Wire.FLAG_END_HEADERS, id, H2Wire.literalBlock(fields))} followed by
 * {@code H2Wire.frame(H2Wire.RST_STREAM, 0, id, H2Wire.int32(H2Wire.CANCEL))}; {@link #nextStreamId()} does not
 * see stream ids used that way.
 */
public final class RawH2 implements AutoCloseable {

    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration EXCHANGE_TIMEOUT = Duration.ofSeconds(5);

    /** A GOAWAY the server sent. */
    public record GoAway(int lastStreamId, long errorCode, byte[] debugData) {

        public String debugText() {
            return new String(debugData, StandardCharsets.ISO_8859_1);
        }
    }

    /**
     * One stream's answer as it stood when {@link #await} returned.
     *
     * @param status     the final {@code :status}, 0 when no (non-1xx) response headers arrived
     * @param headers    the final response headers in the order decoded (pseudo-headers first), empty if none
     * @param trailers   a second header block after the response headers, empty if none
     * @param endStream  whether the server ended the stream
     * @param reset      the RST_STREAM error code the server sent for this stream, or null
     * @param goAway     whether the server had sent GOAWAY on the connection
     * @param closed     whether the connection had ended (read end reached or failed)
     * @param timedOut   whether {@link #await} gave up waiting before the stream ended
     */
    public record Response(int streamId, int status, List<Map.Entry<String, String>> headers, byte[] body,
                           List<Map.Entry<String, String>> trailers, boolean endStream, Long reset, boolean goAway,
                           boolean closed, boolean timedOut) {

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** The first value of the response header {@code name} (names arrive lower case in HTTP/2), or null. */
        public String header(String name) {
            return headers.stream().filter(e -> e.getKey().equals(name)).map(Map.Entry::getValue).findFirst()
                    .orElse(null);
        }
    }

    /** What has arrived on one stream so far; guarded by {@link #lock}. */
    private static final class Stream {
        int status;
        List<Map.Entry<String, String>> headers;
        final List<List<Map.Entry<String, String>>> informational = new ArrayList<>();
        List<Map.Entry<String, String>> trailers;
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        boolean endStream;
        Long reset;
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final Object writeLock = new Object();
    private final Thread reader;

    // One decoder for the connection: the server's blocks may refer to its HPACK dynamic table.
    // Not validating, so that whatever the proxy sends back can be looked at.
    private final DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(false, 1L << 20);

    private final Object lock = new Object();
    private final Map<Integer, Stream> streams = new HashMap<>();
    private final Map<Integer, Long> serverSettings = new LinkedHashMap<>();
    private final List<Frame> frames = new ArrayList<>();
    private final CountDownLatch serverSettingsSeen = new CountDownLatch(1);
    private int settingsAcks;
    private int pings;
    private GoAway goAway;
    private boolean closed;
    private Throwable failure;
    private int nextStreamId = 1;
    private volatile boolean autoWindowUpdate = true;

    // A header block in progress (HEADERS or PUSH_PROMISE without END_HEADERS); touched by the reader only.
    private ByteArrayOutputStream pendingBlock;
    private int pendingStreamId;
    private int pendingType;
    private boolean pendingEndStream;

    private RawH2(Socket socket, Map<Integer, Long> settings) throws IOException {
        this.socket = socket;
        socket.setTcpNoDelay(true);
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        this.out = socket.getOutputStream();
        Long tableSize = settings.get(SETTINGS_HEADER_TABLE_SIZE);
        if (tableSize != null) {
            try {
                decoder.configuration().maxHeaderTableSize(tableSize);
            } catch (Http2Exception e) {
                throw new IllegalArgumentException(e);
            }
        }
        ByteArrayOutputStream hello = new ByteArrayOutputStream();
        hello.writeBytes(PREFACE);
        hello.writeBytes(H2Wire.frame(SETTINGS, 0, 0, settingsPayload(settings)));
        raw(hello.toByteArray());
        reader = new Thread(this::readLoop, "raw-h2-reader-" + socket.getLocalPort());
        reader.setDaemon(true);
        reader.start();
        try {
            if (!serverSettingsSeen.await(HANDSHAKE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                close();
                throw new IOException("no SETTINGS from the server within " + HANDSHAKE_TIMEOUT + "; GOAWAY: " + goAway());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IOException(e);
        }
    }

    /** h2c with prior knowledge to 127.0.0.1:{@code port}, with an empty SETTINGS frame (all defaults). */
    public static RawH2 connect(int port) {
        return connect(port, Map.of());
    }

    /** h2c with prior knowledge to 127.0.0.1:{@code port}, sending {@code settings} (identifier to value). */
    public static RawH2 connect(int port, Map<Integer, Long> settings) {
        try {
            return new RawH2(new Socket("127.0.0.1", port), settings);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * TLS to 127.0.0.1:{@code port} with ALPN {@code h2}, trusting any certificate; {@code serverName} is sent
     * as SNI when not null. Fails when the server does not choose {@code h2}.
     */
    public static RawH2 connectTls(int port, String serverName, Map<Integer, Long> settings) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new X509ExtendedTrustManager[] {new TrustAll()}, null);
            SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket();
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setApplicationProtocols(new String[] {"h2"});
            if (serverName != null) {
                parameters.setServerNames(List.of(new SNIHostName(serverName)));
            }
            socket.setSSLParameters(parameters);
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) HANDSHAKE_TIMEOUT.toMillis());
            socket.startHandshake();
            if (!"h2".equals(socket.getApplicationProtocol())) {
                String chosen = socket.getApplicationProtocol();
                socket.close();
                throw new IOException("the server chose ALPN '" + chosen + "', not h2");
            }
            return new RawH2(socket, settings);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Name/value pairs as a field list: {@code fields(":method", "GET", ":path", "/")}. */
    public static List<Map.Entry<String, String>> fields(String... nameValues) {
        if (nameValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values come in pairs");
        }
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            fields.add(new SimpleImmutableEntry<>(nameValues[i], nameValues[i + 1]));
        }
        return fields;
    }

    /** The four request pseudo-headers of a well-formed request, followed by {@code extra} name/value pairs. */
    public static List<Map.Entry<String, String>> request(String method, String scheme, String authority,
                                                          String path, String... extra) {
        List<Map.Entry<String, String>> fields =
                fields(":method", method, ":scheme", scheme, ":authority", authority, ":path", path);
        fields.addAll(fields(extra));
        return fields;
    }

    // ---- sending: nothing below checks what it sends ----

    /** One HEADERS frame (END_HEADERS set) carrying {@code fields} as literal fields. */
    public void headers(int streamId, List<Map.Entry<String, String>> fields, boolean endStream) {
        headerBlock(streamId, literalBlock(fields), endStream, true);
    }

    /** The block of {@code fields} split over a HEADERS frame and {@code continuations} CONTINUATION frames. */
    public void headers(int streamId, List<Map.Entry<String, String>> fields, boolean endStream, int continuations) {
        byte[][] pieces = split(literalBlock(fields), continuations + 1);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int flags = (endStream ? FLAG_END_STREAM : 0) | (continuations == 0 ? FLAG_END_HEADERS : 0);
        bytes.writeBytes(H2Wire.frame(HEADERS, flags, streamId, pieces[0]));
        for (int i = 1; i < pieces.length; i++) {
            int last = i == pieces.length - 1 ? FLAG_END_HEADERS : 0;
            bytes.writeBytes(H2Wire.frame(CONTINUATION, last, streamId, pieces[i]));
        }
        noteStream(streamId);
        raw(bytes.toByteArray()); // one write, so the server sees the frames back to back
    }

    /** A HEADERS frame with any header block fragment (say, broken HPACK or a block built by hand). */
    public void headerBlock(int streamId, byte[] fragment, boolean endStream, boolean endHeaders) {
        noteStream(streamId);
        frame(HEADERS, (endStream ? FLAG_END_STREAM : 0) | (endHeaders ? FLAG_END_HEADERS : 0), streamId, fragment);
    }

    /** A CONTINUATION frame; sending many without END_HEADERS is a CONTINUATION flood. */
    public void continuation(int streamId, byte[] fragment, boolean endHeaders) {
        frame(CONTINUATION, endHeaders ? FLAG_END_HEADERS : 0, streamId, fragment);
    }

    /** One DATA frame, however large; flow control is not respected (that is for the test to decide). */
    public void data(int streamId, byte[] bytes, boolean endStream) {
        frame(DATA, endStream ? FLAG_END_STREAM : 0, streamId, bytes);
    }

    public void rstStream(int streamId, long errorCode) {
        frame(RST_STREAM, 0, streamId, H2Wire.int32(errorCode));
    }

    /** A WINDOW_UPDATE; the increment is written as 32 bits as given (0 or the reserved bit included). */
    public void windowUpdate(int streamId, long increment) {
        frame(WINDOW_UPDATE, 0, streamId, H2Wire.int32(increment));
    }

    /** A PING with 8 bytes of opaque data; {@link #pongs()} counts the ACKs. */
    public void ping(long opaque) {
        frame(PING, 0, 0, ByteBuffer.allocate(8).putLong(opaque).array());
    }

    public void goAway(int lastStreamId, long errorCode, byte[] debugData) {
        frame(GOAWAY, 0, 0, ByteBuffer.allocate(8 + debugData.length)
                .putInt(lastStreamId).putInt((int) errorCode).put(debugData).array());
    }

    /** A further SETTINGS frame (identifier to value). */
    public void settings(Map<Integer, Long> settings) {
        frame(SETTINGS, 0, 0, settingsPayload(settings));
    }

    /** Any frame. */
    public void frame(int type, int flags, int streamId, byte[] payload) {
        raw(H2Wire.frame(type, flags, streamId, payload));
    }

    /** Any bytes, as they are. */
    public void raw(byte[] bytes) {
        synchronized (writeLock) {
            try {
                out.write(bytes);
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The next odd stream id above every id this client has opened, reserved for the caller. */
    public int nextStreamId() {
        synchronized (lock) {
            int id = nextStreamId;
            nextStreamId += 2;
            return id;
        }
    }

    private void noteStream(int streamId) {
        synchronized (lock) {
            if (streamId % 2 == 1 && streamId >= nextStreamId) {
                nextStreamId = streamId + 2;
            }
        }
    }

    /** Whether WINDOW_UPDATEs are sent for received DATA (default true); off for a client that never reads. */
    public void autoWindowUpdate(boolean on) {
        autoWindowUpdate = on;
    }

    // ---- receiving ----

    /** Sends {@code fields} (and {@code bodyOrNull} as one DATA frame) on a fresh stream and waits up to 5 s. */
    public Response exchange(List<Map.Entry<String, String>> fields, byte[] bodyOrNull) {
        int id = nextStreamId();
        headers(id, fields, bodyOrNull == null);
        if (bodyOrNull != null) {
            data(id, bodyOrNull, true);
        }
        return await(id, EXCHANGE_TIMEOUT);
    }

    /**
     * Waits until the server ends or resets stream {@code streamId}, the connection closes, a GOAWAY excludes
     * the stream, or {@code timeout} passes ({@link Response#timedOut()}); returns what arrived. May be called
     * again for the same stream (after a WINDOW_UPDATE, say).
     */
    public Response await(int streamId, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (true) {
                Stream s = streams.get(streamId);
                boolean done = (s != null && (s.endStream || s.reset != null)) || closed
                        || (goAway != null && streamId > goAway.lastStreamId());
                long left = deadline - System.nanoTime();
                if (done || left <= 0) {
                    return snapshot(streamId, s, !done);
                }
                try {
                    lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return snapshot(streamId, s, true);
                }
            }
        }
    }

    private Response snapshot(int streamId, Stream s, boolean timedOut) {
        if (s == null) {
            return new Response(streamId, 0, List.of(), new byte[0], List.of(), false, null, goAway != null, closed,
                    timedOut);
        }
        return new Response(streamId, s.status, s.headers == null ? List.of() : s.headers, s.body.toByteArray(),
                s.trailers == null ? List.of() : s.trailers, s.endStream, s.reset, goAway != null, closed, timedOut);
    }

    /** The 1xx header blocks received on {@code streamId}, in order. */
    public List<List<Map.Entry<String, String>>> informational(int streamId) {
        synchronized (lock) {
            Stream s = streams.get(streamId);
            return s == null ? List.of() : List.copyOf(s.informational);
        }
    }

    /** The server's SETTINGS so far (identifier to value; later frames override). */
    public Map<Integer, Long> serverSettings() {
        synchronized (lock) {
            return Map.copyOf(serverSettings);
        }
    }

    /** How many SETTINGS ACKs the server has sent (for ours). */
    public int settingsAcks() {
        synchronized (lock) {
            return settingsAcks;
        }
    }

    /** How many PING ACKs the server has sent. */
    public int pongs() {
        synchronized (lock) {
            return pings;
        }
    }

    /** The server's last GOAWAY, or null. */
    public GoAway goAway() {
        synchronized (lock) {
            return goAway;
        }
    }

    public boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    /** What ended the reader other than the server closing cleanly (a decoding error, say), or null. */
    public Throwable failure() {
        synchronized (lock) {
            return failure;
        }
    }

    /** Every frame read, in order (WINDOW_UPDATE and PRIORITY frames are only recorded here). */
    public List<Frame> frames() {
        synchronized (lock) {
            return List.copyOf(frames);
        }
    }

    private void readLoop() {
        Throwable problem = null;
        try {
            while (true) {
                dispatch(H2Wire.read(in));
            }
        } catch (SocketException | EOFException e) {
            // the server or close() ended the connection: not a failure of the reader
        } catch (Throwable t) {
            problem = t;
        }
        synchronized (lock) {
            closed = true;
            failure = problem;
            lock.notifyAll();
        }
    }

    private void dispatch(Frame f) throws IOException, Http2Exception {
        synchronized (lock) {
            frames.add(f);
        }
        byte[] p = f.payload();
        switch (f.type()) {
            case SETTINGS -> {
                if (f.hasFlag(FLAG_ACK)) {
                    update(() -> settingsAcks++);
                } else {
                    update(() -> serverSettings.putAll(parseSettings(p)));
                    send(H2Wire.frame(SETTINGS, FLAG_ACK, 0, new byte[0]));
                    serverSettingsSeen.countDown();
                }
            }
            case PING -> {
                if (f.hasFlag(FLAG_ACK)) {
                    update(() -> pings++);
                } else {
                    send(H2Wire.frame(PING, FLAG_ACK, 0, p));
                }
            }
            case HEADERS -> {
                int from = f.hasFlag(FLAG_PADDED) ? 1 : 0;
                from += f.hasFlag(FLAG_PRIORITY) ? 5 : 0; // stream dependency and weight
                startBlock(f, Arrays.copyOfRange(p, from, p.length - padding(f)));
            }
            case PUSH_PROMISE -> {
                // Decoded only to keep the HPACK table in step; the promised stream is not followed.
                int from = (f.hasFlag(FLAG_PADDED) ? 1 : 0) + 4;
                startBlock(f, Arrays.copyOfRange(p, from, p.length - padding(f)));
            }
            case CONTINUATION -> {
                if (pendingBlock == null) {
                    throw new IOException("CONTINUATION without a header block in progress: " + f);
                }
                pendingBlock.writeBytes(p);
                if (f.hasFlag(FLAG_END_HEADERS)) {
                    endBlock();
                }
            }
            case DATA -> {
                int from = f.hasFlag(FLAG_PADDED) ? 1 : 0;
                byte[] data = Arrays.copyOfRange(p, from, p.length - padding(f));
                boolean end = f.hasFlag(FLAG_END_STREAM);
                update(() -> {
                    Stream s = stream(f.streamId());
                    s.body.writeBytes(data);
                    s.endStream |= end;
                });
                // The whole payload, padding included, counts against the window (RFC 9113 section 6.9.1).
                if (autoWindowUpdate && p.length > 0) {
                    send(H2Wire.frame(WINDOW_UPDATE, 0, 0, H2Wire.int32(p.length)));
                    if (!end) { // a stream the server has ended needs no more window
                        send(H2Wire.frame(WINDOW_UPDATE, 0, f.streamId(), H2Wire.int32(p.length)));
                    }
                }
            }
            case RST_STREAM -> {
                long code = ByteBuffer.wrap(p).getInt() & 0xFFFFFFFFL;
                update(() -> stream(f.streamId()).reset = code);
            }
            case GOAWAY -> {
                ByteBuffer b = ByteBuffer.wrap(p);
                GoAway received = new GoAway(b.getInt() & 0x7FFFFFFF, b.getInt() & 0xFFFFFFFFL,
                        Arrays.copyOfRange(p, 8, p.length));
                update(() -> goAway = received);
            }
            default -> {
                // WINDOW_UPDATE, PRIORITY, unknown types: kept in frames() only
            }
        }
    }

    private static int padding(Frame f) {
        return f.hasFlag(FLAG_PADDED) ? f.payload()[0] & 0xFF : 0;
    }

    private void startBlock(Frame f, byte[] fragment) throws Http2Exception {
        pendingBlock = new ByteArrayOutputStream();
        pendingBlock.writeBytes(fragment);
        pendingStreamId = f.streamId();
        pendingType = f.type();
        pendingEndStream = f.type() == HEADERS && f.hasFlag(FLAG_END_STREAM);
        if (f.hasFlag(FLAG_END_HEADERS)) {
            endBlock();
        }
    }

    private void endBlock() throws Http2Exception {
        ByteBuf block = Unpooled.wrappedBuffer(pendingBlock.toByteArray());
        pendingBlock = null;
        Http2Headers decoded;
        try {
            decoded = decoder.decodeHeaders(pendingStreamId, block);
        } finally {
            block.release();
        }
        if (pendingType != HEADERS) {
            return;
        }
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        decoded.forEach(e -> fields.add(new SimpleImmutableEntry<>(e.getKey().toString(), e.getValue().toString())));
        CharSequence status = decoded.status();
        boolean end = pendingEndStream;
        int streamId = pendingStreamId;
        update(() -> {
            Stream s = stream(streamId);
            if (s.headers != null) {
                s.trailers = fields;
            } else if (status != null && status.length() > 0 && status.charAt(0) == '1') {
                s.informational.add(fields);
            } else {
                s.headers = fields;
                s.status = status == null ? 0 : parseStatus(status.toString());
            }
            s.endStream |= end;
        });
    }

    private static int parseStatus(String status) {
        try {
            return Integer.parseInt(status.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private Stream stream(int id) {
        return streams.computeIfAbsent(id, i -> new Stream());
    }

    /** Changes state under the lock and wakes {@link #await}. */
    private void update(Runnable change) {
        synchronized (lock) {
            change.run();
            lock.notifyAll();
        }
    }

    /** The reader's own writes (ACKs, window updates); a failure here ends the reader. */
    private void send(byte[] bytes) throws IOException {
        synchronized (writeLock) {
            out.write(bytes);
            out.flush();
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
        if (reader != null && Thread.currentThread() != reader) {
            try {
                reader.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "RawH2[" + socket.getLocalPort() + " -> " + socket.getPort() + "]" + (isClosed() ? " closed" : "");
    }

    /** Trusts any certificate and any host name: the tests make their own CA and point at 127.0.0.1. */
    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType, Socket s) { }
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType, Socket s) { }
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine e) { }
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine e) { }
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType) { }
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType) { }
        @Override public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
