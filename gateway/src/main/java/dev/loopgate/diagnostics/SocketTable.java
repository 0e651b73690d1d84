package dev.loopgate.diagnostics;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel's socket tables as Linux shows them in {@code /proc/net/tcp}, {@code tcp6}, {@code udp} and {@code udp6}:
 * addresses are hex, each 32-bit word in host (little-endian) byte order.
 */
public final class SocketTable {
    static final String TCP_LISTEN = "0A";
    static final String TCP_TIME_WAIT = "06";
    static final String UDP_UNCONNECTED = "07";

    private SocketTable() {}

    /** One row of a table. */
    public record Entry(String proto, InetAddress address, int port, String state, long inode) {
        /** A listening TCP socket, or a bound, unconnected UDP one. */
        public boolean listening() {
            return proto.startsWith("tcp") ? state.equals(TCP_LISTEN) : state.equals(UDP_UNCONNECTED);
        }
    }

    /** Every row of {@code /proc/net/<proto>} for tcp, tcp6, udp, udp6 under {@code proc}; missing tables are empty. */
    public static List<Entry> read(Path proc, String... protos) {
        List<Entry> out = new ArrayList<>();
        for (String proto : protos) {
            try {
                out.addAll(
                        parse(proto, Files.readString(proc.resolve("net").resolve(proto), StandardCharsets.US_ASCII)));
            } catch (IOException e) {
                // IPv6 disabled, or not Linux: the table is simply not there
            }
        }
        return out;
    }

    static List<Entry> parse(String proto, String text) {
        List<Entry> out = new ArrayList<>();
        String[] lines = text.split("\n");
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].trim().split("\\s+");
            if (f.length < 10) {
                continue;
            }
            int colon = f[1].indexOf(':');
            try {
                out.add(new Entry(
                        proto,
                        address(f[1].substring(0, colon)),
                        Integer.parseInt(f[1].substring(colon + 1), 16),
                        f[3],
                        Long.parseLong(f[9])));
            } catch (RuntimeException | UnknownHostException e) {
                // a line we do not understand is skipped, not fatal
            }
        }
        return out;
    }

    /** {@code 0100007F} is 127.0.0.1; IPv6 addresses are four such words. */
    static InetAddress address(String hex) throws UnknownHostException {
        byte[] bytes = new byte[hex.length() / 2];
        for (int word = 0; word < bytes.length / 4; word++) {
            for (int b = 0; b < 4; b++) {
                int at = word * 8 + (3 - b) * 2;
                bytes[word * 4 + b] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
            }
        }
        return InetAddress.getByAddress(bytes);
    }
}
