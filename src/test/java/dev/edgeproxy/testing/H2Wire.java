package dev.edgeproxy.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The HTTP/2 wire format as {@link RawH2} writes and reads it: frame layout (RFC 9113 section 4.1), SETTINGS
 * payloads (6.5) and a header block encoder that only knows HPACK's "literal header field without indexing, new
 * name" (RFC 7541 section 6.2.2) with plain (not Huffman) strings.
 *
 * <p>The encoder checks nothing on purpose: names and values are ISO-8859-1 strings written byte for byte, so a
 * test can put any byte 0x00-0xFF (CR, LF, NUL, ':', upper case, spaces) into a name or a value. Because no field
 * is ever added to the dynamic table, every request block is independent of the ones before it, which keeps the
 * server's HPACK state trivially in step with ours.
 */
public final class H2Wire {

    private H2Wire() {
    }

    /** The connection preface a client sends before its SETTINGS (RFC 9113 section 3.4). */
    public static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    public static final int FRAME_HEADER_LENGTH = 9;

    // Frame types (RFC 9113 section 6).
    public static final int DATA = 0x0;
    public static final int HEADERS = 0x1;
    public static final int PRIORITY = 0x2;
    public static final int RST_STREAM = 0x3;
    public static final int SETTINGS = 0x4;
    public static final int PUSH_PROMISE = 0x5;
    public static final int PING = 0x6;
    public static final int GOAWAY = 0x7;
    public static final int WINDOW_UPDATE = 0x8;
    public static final int CONTINUATION = 0x9;

    // Flags.
    public static final int FLAG_END_STREAM = 0x1;
    public static final int FLAG_ACK = 0x1;
    public static final int FLAG_END_HEADERS = 0x4;
    public static final int FLAG_PADDED = 0x8;
    public static final int FLAG_PRIORITY = 0x20;

    // SETTINGS identifiers (RFC 9113 section 6.5.2).
    public static final int SETTINGS_HEADER_TABLE_SIZE = 0x1;
    public static final int SETTINGS_ENABLE_PUSH = 0x2;
    public static final int SETTINGS_MAX_CONCURRENT_STREAMS = 0x3;
    public static final int SETTINGS_INITIAL_WINDOW_SIZE = 0x4;
    public static final int SETTINGS_MAX_FRAME_SIZE = 0x5;
    public static final int SETTINGS_MAX_HEADER_LIST_SIZE = 0x6;

    // Error codes (RFC 9113 section 7).
    public static final long NO_ERROR = 0x0;
    public static final long PROTOCOL_ERROR = 0x1;
    public static final long INTERNAL_ERROR = 0x2;
    public static final long FLOW_CONTROL_ERROR = 0x3;
    public static final long STREAM_CLOSED = 0x5;
    public static final long FRAME_SIZE_ERROR = 0x6;
    public static final long REFUSED_STREAM = 0x7;
    public static final long CANCEL = 0x8;
    public static final long COMPRESSION_ERROR = 0x9;
    public static final long ENHANCE_YOUR_CALM = 0xb;

    /**
     * One frame as it was read. The payload is the whole frame payload, padding and all, so that tests can look
     * at exactly what arrived.
     */
    public record Frame(int type, int flags, int streamId, byte[] payload) {

        public boolean hasFlag(int flag) {
            return (flags & flag) != 0;
        }

        @Override
        public String toString() {
            return "Frame[type=" + type + ", flags=0x" + Integer.toHexString(flags) + ", stream=" + streamId
                    + ", length=" + payload.length + "]";
        }
    }

    /**
     * A frame's bytes: the 9-byte header and the payload. The length field is the payload's length truncated to
     * 24 bits, and the stream id is written with its reserved bit as given: nothing is validated, so a test can
     * send frames larger than the peer's MAX_FRAME_SIZE or on stream ids a client must not use.
     */
    public static byte[] frame(int type, int flags, int streamId, byte[] payload) {
        ByteBuffer out = ByteBuffer.allocate(FRAME_HEADER_LENGTH + payload.length);
        int length = payload.length & 0xFFFFFF;
        out.put((byte) (length >>> 16)).put((byte) (length >>> 8)).put((byte) length);
        out.put((byte) type).put((byte) flags).putInt(streamId).put(payload);
        return out.array();
    }

    /** Reads one frame; an end of stream inside a frame is an {@link java.io.EOFException}. */
    public static Frame read(DataInputStream in) throws IOException {
        int length = (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
        int type = in.readUnsignedByte();
        int flags = in.readUnsignedByte();
        int streamId = in.readInt() & 0x7FFFFFFF; // the reserved bit is ignored on receipt (section 4.1)
        byte[] payload = new byte[length];
        in.readFully(payload);
        return new Frame(type, flags, streamId, payload);
    }

    /** A SETTINGS payload: identifier (16 bits) and value (32 bits) per entry, in the map's order. */
    public static byte[] settingsPayload(Map<Integer, Long> settings) {
        ByteBuffer out = ByteBuffer.allocate(6 * settings.size());
        settings.forEach((id, value) -> out.putShort((short) id.intValue()).putInt((int) value.longValue()));
        return out.array();
    }

    /** The entries of a SETTINGS payload; a later entry for an identifier wins, as on receipt. */
    public static Map<Integer, Long> parseSettings(byte[] payload) {
        Map<Integer, Long> settings = new LinkedHashMap<>();
        ByteBuffer in = ByteBuffer.wrap(payload);
        while (in.remaining() >= 6) {
            settings.put(in.getShort() & 0xFFFF, in.getInt() & 0xFFFFFFFFL);
        }
        return settings;
    }

    /**
     * A header block of one "literal header field without indexing, new name" representation per field, in
     * order, with no Huffman coding. Names and values are ISO-8859-1: each char 0x00-0xFF is one byte on the wire.
     */
    public static byte[] literalBlock(List<Map.Entry<String, String>> fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Map.Entry<String, String> field : fields) {
            out.write(0x00); // 0000 0000: without indexing, index 0 = the name follows as a literal
            writeString(out, field.getKey());
            writeString(out, field.getValue());
        }
        return out.toByteArray();
    }

    /** An HPACK string literal: H bit 0 and the length as a 7-bit prefix integer, then the raw octets. */
    static void writeString(ByteArrayOutputStream out, String text) {
        byte[] octets = latin1(text);
        writeInteger(out, 0x00, 7, octets.length);
        out.write(octets, 0, octets.length);
    }

    /**
     * An HPACK integer (RFC 7541 section 5.1) with an {@code prefixBits}-bit prefix; {@code firstByteHigh} holds
     * the bits above the prefix in the first octet.
     */
    public static void writeInteger(ByteArrayOutputStream out, int firstByteHigh, int prefixBits, long value) {
        int max = (1 << prefixBits) - 1;
        if (value < max) {
            out.write(firstByteHigh | (int) value);
            return;
        }
        out.write(firstByteHigh | max);
        value -= max;
        while (value >= 0x80) {
            out.write((int) (value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out.write((int) value);
    }

    /**
     * The string's chars as bytes, one each. Unlike {@code getBytes(ISO_8859_1)}, a char above 0xFF is an error
     * rather than a silent '?', so a test never sends other bytes than it meant to.
     */
    public static byte[] latin1(String text) {
        byte[] octets = new byte[text.length()];
        for (int i = 0; i < octets.length; i++) {
            char c = text.charAt(i);
            if (c > 0xFF) {
                throw new IllegalArgumentException("char " + (int) c + " at " + i + " is not one byte: " + text);
            }
            octets[i] = (byte) c;
        }
        return octets;
    }

    /** Four bytes, big-endian: the payload of RST_STREAM (an error code) or WINDOW_UPDATE (an increment). */
    public static byte[] int32(long value) {
        return ByteBuffer.allocate(4).putInt((int) value).array();
    }

    /**
     * Splits {@code block} into {@code pieces} fragments of nearly equal size (the last ones may be empty when
     * the block is short: empty CONTINUATION frames are legal).
     */
    public static byte[][] split(byte[] block, int pieces) {
        if (pieces < 1) {
            throw new IllegalArgumentException("pieces must be at least 1");
        }
        byte[][] parts = new byte[pieces][];
        int size = (block.length + pieces - 1) / pieces;
        for (int i = 0; i < pieces; i++) {
            int from = Math.min(block.length, i * size);
            int to = Math.min(block.length, from + size);
            parts[i] = Arrays.copyOfRange(block, from, to);
        }
        return parts;
    }
}
