package dev.loopgate.https;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Just enough HTTP/2 framing (RFC 9113 §4) to misbehave on purpose: floods no well-behaved client library sends.
 * Header blocks use HPACK literals without indexing or Huffman coding (RFC 7541 §6.2.2), which any decoder accepts.
 */
final class H2Frames {
    static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    static final int DATA = 0, HEADERS = 1, RST_STREAM = 3, SETTINGS = 4, GOAWAY = 7, CONTINUATION = 9;
    static final int END_STREAM = 1, END_HEADERS = 4, ACK = 1;

    private H2Frames() {}

    record Frame(int type, int flags, int stream, byte[] payload) {
        int errorCode() {
            int at = type == GOAWAY ? 4 : 0;
            return ((payload[at] & 0xff) << 24)
                    | ((payload[at + 1] & 0xff) << 16)
                    | ((payload[at + 2] & 0xff) << 8)
                    | (payload[at + 3] & 0xff);
        }
    }

    static void write(OutputStream out, int type, int flags, int stream, byte[] payload) throws IOException {
        byte[] head = {
            (byte) (payload.length >> 16),
            (byte) (payload.length >> 8),
            (byte) payload.length,
            (byte) type,
            (byte) flags,
            (byte) (stream >> 24),
            (byte) (stream >> 16),
            (byte) (stream >> 8),
            (byte) stream
        };
        out.write(head);
        out.write(payload);
    }

    static Frame read(DataInputStream in) throws IOException {
        byte[] head = new byte[9];
        in.readFully(head);
        int length = ((head[0] & 0xff) << 16) | ((head[1] & 0xff) << 8) | (head[2] & 0xff);
        byte[] payload = new byte[length];
        in.readFully(payload);
        int stream = ((head[5] & 0x7f) << 24) | ((head[6] & 0xff) << 16) | ((head[7] & 0xff) << 8) | (head[8] & 0xff);
        return new Frame(head[3] & 0xff, head[4] & 0xff, stream, payload);
    }

    /** A header block of literal fields, in order (pseudo-headers first). */
    static byte[] headerBlock(Map<String, String> fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        fields.forEach((name, value) -> {
            out.write(0x00);
            literal(out, name);
            literal(out, value);
        });
        return out.toByteArray();
    }

    private static void literal(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        if (b.length >= 127) {
            throw new IllegalArgumentException("keep test header fields short");
        }
        out.write(b.length);
        out.write(b, 0, b.length);
    }
}
