package dev.loopgate.diagnostics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The ports the OS hands out for outgoing connections ({@code net.ipv4.ip_local_port_range}). A server listening in
 * it may find its port taken by an outgoing connection, and a machine with too many sockets in it (TIME_WAIT
 * included) runs out of outgoing connections.
 */
public record EphemeralRange(int low, int high) {
    /** Linux's default, used when the range cannot be read. */
    public static final EphemeralRange LINUX_DEFAULT = new EphemeralRange(32768, 60999);

    public static EphemeralRange read(Path proc) {
        try {
            return parse(Files.readString(proc.resolve("sys/net/ipv4/ip_local_port_range"), StandardCharsets.US_ASCII));
        } catch (IOException | IllegalArgumentException e) {
            return LINUX_DEFAULT;
        }
    }

    static EphemeralRange parse(String text) {
        String[] f = text.trim().split("\\s+");
        if (f.length != 2) {
            throw new IllegalArgumentException("not a port range: " + text);
        }
        return new EphemeralRange(Integer.parseInt(f[0]), Integer.parseInt(f[1]));
    }

    public boolean contains(int port) {
        return port >= low && port <= high;
    }

    public int size() {
        return high - low + 1;
    }

    /** TCP sockets (any state but LISTEN, TIME_WAIT included) whose local port is in the range. */
    public int inUse(List<SocketTable.Entry> tcp) {
        return (int) tcp.stream()
                .filter(e ->
                        e.proto().startsWith("tcp") && !e.state().equals(SocketTable.TCP_LISTEN) && contains(e.port()))
                .map(SocketTable.Entry::port)
                .distinct()
                .count();
    }
}
