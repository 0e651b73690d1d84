package dev.loopgate.process;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Whether a started command is ready: its port accepts a connection (on 127.0.0.1 or ::1, wherever the dev server
 * bound {@code localhost}), or, with a ready path, a GET of it answers below 500. Runs on the supervisor's thread,
 * which may block for the short timeouts here.
 */
final class Readiness {
    private static final int TIMEOUT_MILLIS = 500;

    private Readiness() {}

    static boolean ready(int port, String path) {
        for (String ip : new String[] {"127.0.0.1", "::1"}) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getByName(ip), port), TIMEOUT_MILLIS);
                return path == null || answersBelow500(s, port, path);
            } catch (IOException e) {
                // not on this address (yet)
            }
        }
        return false;
    }

    private static boolean answersBelow500(Socket s, int port, String path) throws IOException {
        s.setSoTimeout(TIMEOUT_MILLIS * 4);
        s.getOutputStream()
                .write(("GET " + path + " HTTP/1.1\r\nHost: localhost:" + port + "\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
        InputStream in = s.getInputStream();
        byte[] head = new byte[12];
        int n = 0;
        while (n < head.length) {
            int r = in.read(head, n, head.length - n);
            if (r < 0) {
                return false;
            }
            n += r;
        }
        String line = new String(head, StandardCharsets.US_ASCII);
        return line.startsWith("HTTP/1.") && line.charAt(9) >= '1' && line.charAt(9) <= '4';
    }
}
