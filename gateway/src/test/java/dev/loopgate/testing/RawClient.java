package dev.loopgate.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** A plain socket for sending exactly the bytes a test wants, including malformed ones. */
public final class RawClient implements AutoCloseable {
    private final Socket socket;

    public RawClient(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(10_000);
    }

    public RawClient send(String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        return this;
    }

    public RawClient send(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
        return this;
    }

    /** Everything the server sends until it closes the connection; fails if it does not close within 10 s. */
    public String readUntilClosed() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server did not close the connection; got so far:\n"
                    + out.toString(StandardCharsets.ISO_8859_1));
        } catch (java.net.SocketException e) {
            // reset after the response: still closed
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** Reads one response with a Content-Length body (or none), leaving the connection open. */
    public String readResponse() throws IOException {
        String head = readHead();
        int length = 0;
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
                length = Integer.parseInt(line.substring(colon + 1).trim());
            }
        }
        if (head.startsWith("HTTP/1.1 1")) {
            length = 0;
        }
        byte[] body = socket.getInputStream().readNBytes(length);
        return head + new String(body, StandardCharsets.ISO_8859_1);
    }

    /** Reads one response head only, without its body. */
    public String readHead() throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("connection closed before a full response head; got: " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }

    public Socket socket() {
        return socket;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
