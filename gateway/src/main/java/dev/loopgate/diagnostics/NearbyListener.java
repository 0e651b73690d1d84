package dev.loopgate.diagnostics;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the port a dev server probably moved to: Vite, Next.js and others take the next free port when theirs is
 * taken, so a backend refusing on 5173 often has its server listening on 5174.
 */
public final class NearbyListener {
    static final int WINDOW = 10;

    private NearbyListener() {}

    /**
     * The listening TCP port closest to {@code port} (within {@value #WINDOW}, the higher one on a tie) that the
     * gateway could reach on loopback and that no route already uses.
     */
    public static Optional<Integer> closest(List<SocketTable.Entry> sockets, int port, Set<Integer> taken) {
        return sockets.stream()
                .filter(e -> e.proto().startsWith("tcp") && e.listening())
                .filter(e -> e.address().isLoopbackAddress() || e.address().isAnyLocalAddress())
                .map(SocketTable.Entry::port)
                .filter(p -> p != port && Math.abs(p - port) <= WINDOW && !taken.contains(p))
                .distinct()
                .min(Comparator.comparingInt((Integer p) -> Math.abs(p - port)).thenComparing(p -> -p));
    }

    /** {@link #closest} on this machine's socket tables. */
    public static Optional<Integer> onThisMachine(int port, Set<Integer> taken) {
        return closest(SocketTable.read(java.nio.file.Path.of("/proc"), "tcp", "tcp6"), port, taken);
    }
}
