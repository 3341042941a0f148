package dev.edgeproxy.testing;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * An HTTP/2 origin (cleartext, prior knowledge) on a raw socket that answers each request with header blocks a
 * well-behaved server library would refuse to write: a test gives, per request path, the frames' header fields
 * as raw strings (any byte), so the proxy can be shown what it does with an origin's CR, LF or NUL.
 *
 * <p>For each request it sends {@code HEADERS} with the answer's fields, then, when the answer has trailers, one
 * {@code DATA} frame ({@code partial}) and the trailers' {@code HEADERS}, ending the stream. It ignores flow
 * control and every other frame: the answers are small.
 */
public final class RawH2Origin implements AutoCloseable {

    /** The header fields to answer a request with, and its trailers (empty: none, the stream ends with the head). */
    public record Answer(List<Map.Entry<String, String>> headers, List<Map.Entry<String, String>> trailers) {
    }

    private final ServerSocket server;
    private final Function<String, Answer> answers;
    private volatile boolean closing;

    /** @param answers the answer for a request's {@code :path} */
    public RawH2Origin(Function<String, Answer> answers) {
        this.answers = answers;
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Thread acceptor = new Thread(this::accept, "raw-h2-origin");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!closing) {
            try {
                Socket socket = server.accept();
                Thread t = new Thread(() -> serve(socket), "raw-h2-origin-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            OutputStream out = socket.getOutputStream();
            in.readFully(new byte[H2Wire.PREFACE.length]);
            out.write(H2Wire.frame(H2Wire.SETTINGS, 0, 0, new byte[0]));
            out.flush();
            io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder decoder =
                    new io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder(false);
            while (true) {
                H2Wire.Frame frame = H2Wire.read(in);
                if (frame.type() == H2Wire.SETTINGS && !frame.hasFlag(H2Wire.FLAG_ACK)) {
                    out.write(H2Wire.frame(H2Wire.SETTINGS, H2Wire.FLAG_ACK, 0, new byte[0]));
                    out.flush();
                } else if (frame.type() == H2Wire.HEADERS) {
                    // Requests are small: one HEADERS frame with END_HEADERS; padding and priority are skipped.
                    byte[] block = frame.payload();
                    int from = 0;
                    int to = block.length;
                    if (frame.hasFlag(H2Wire.FLAG_PADDED)) {
                        to -= block[0] & 0xFF;
                        from = 1;
                    }
                    if (frame.hasFlag(H2Wire.FLAG_PRIORITY)) {
                        from += 5;
                    }
                    var request = decoder.decodeHeaders(frame.streamId(),
                            io.netty.buffer.Unpooled.wrappedBuffer(block, from, to - from));
                    Answer answer = answers.apply(String.valueOf(request.path()));
                    boolean trailers = !answer.trailers().isEmpty();
                    out.write(H2Wire.frame(H2Wire.HEADERS,
                            H2Wire.FLAG_END_HEADERS | (trailers ? 0 : H2Wire.FLAG_END_STREAM), frame.streamId(),
                            H2Wire.literalBlock(answer.headers())));
                    if (trailers) {
                        out.write(H2Wire.frame(H2Wire.DATA, 0, frame.streamId(), H2Wire.latin1("partial")));
                        out.write(H2Wire.frame(H2Wire.HEADERS, H2Wire.FLAG_END_HEADERS | H2Wire.FLAG_END_STREAM,
                                frame.streamId(), H2Wire.literalBlock(answer.trailers())));
                    }
                    out.flush();
                }
            }
        } catch (IOException e) {
            // the proxy closed the connection
        } catch (RuntimeException | io.netty.handler.codec.http2.Http2Exception e) {
            // what this origin does not read: said, so that a test failing because of it is understood
            System.err.println("RawH2Origin: " + e);
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
    }
}
