package dev.loopgate.diagnostics;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks a loopback port for a dev server that loopgate starts. Not port 0: the OS hands out ports from the ephemeral
 * range, where an outgoing connection can take the port while the server restarts (and {@code doctor} rightly
 * warns). Instead a random port below that range, free on both 127.0.0.1 and ::1, since a dev server told to use
 * "localhost" may bind either.
 */
public final class FreePort {
    /** Below this, ports are the ones people type (3000, 5173, 8080): leave them to the people. */
    static final int LOWEST = 10000;

    private static final int ATTEMPTS = 64;

    private FreePort() {}

    public static int belowEphemeralRange() throws IOException {
        return pick(EphemeralRange.read(Path.of("/proc")));
    }

    static int pick(EphemeralRange ephemeral) throws IOException {
        int high = Math.min(ephemeral.low(), 32768) - 1;
        boolean ipv6 = free(Loopback.IPV6, 0);
        if (high > LOWEST) {
            for (int i = 0; i < ATTEMPTS; i++) {
                int port = ThreadLocalRandom.current().nextInt(LOWEST, high + 1);
                if (free(InetAddress.getLoopbackAddress(), port) && (!ipv6 || free(Loopback.IPV6, port))) {
                    return port;
                }
            }
        }
        // A machine whose range starts very low, or a crowded one: let the OS choose.
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static boolean free(InetAddress address, int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(address, port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
