package dev.loopgate.diagnostics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Finds the process that listens on a TCP port, so that "address in use" can say who holds it. Linux reads
 * {@code /proc/net/tcp{,6}} and maps the socket inode to a process through {@code /proc/PID/fd}; elsewhere it asks
 * {@code lsof} if present.
 */
public final class PortOwner {
    private static final String LISTEN = "0A";

    private PortOwner() {}

    /** A process holding a port: its id, short name and command line (either may be unknown). */
    public record Process(long pid, String name, String command) {
        @Override
        public String toString() {
            return name + " (pid " + pid + ")";
        }
    }

    /** Who listens on {@code port}; empty when nobody does or the owner cannot be seen (another user's process). */
    public static Optional<Process> find(int port) {
        if (Files.isDirectory(Paths.get("/proc/net"))) {
            return findOnLinux(Paths.get("/proc"), port);
        }
        return findWithLsof(port);
    }

    /** Describes the holder for a message: "node (pid 4242)", or a hint when it cannot be seen. */
    public static String describe(int port) {
        return find(port)
                .map(Process::toString)
                .orElse("a process loopgate cannot see (try: sudo ss -ltnp 'sport = :" + port + "')");
    }

    static Optional<Process> findOnLinux(Path proc, int port) {
        String inode = null;
        for (String table : List.of("net/tcp", "net/tcp6")) {
            inode = listeningInode(proc.resolve(table), port);
            if (inode != null) {
                break;
            }
        }
        if (inode == null) {
            return Optional.empty();
        }
        String target = "socket:[" + inode + "]";
        try (DirectoryStream<Path> pids = Files.newDirectoryStream(proc, "[0-9]*")) {
            for (Path pidDir : pids) {
                if (ownsSocket(pidDir, target)) {
                    long pid = Long.parseLong(pidDir.getFileName().toString());
                    return Optional.of(new Process(pid, read(pidDir.resolve("comm")), commandLine(pidDir)));
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** The inode of a LISTEN socket on {@code port} in one {@code /proc/net/tcp*} table, or {@code null}. */
    static String listeningInode(Path table, int port) {
        List<String> lines;
        try {
            lines = Files.readAllLines(table, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return null;
        }
        String hexPort = String.format(Locale.ROOT, "%04X", port);
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).trim().split("\\s+");
            if (f.length < 10) {
                continue;
            }
            String local = f[1];
            if (local.endsWith(":" + hexPort) && f[3].equals(LISTEN)) {
                return f[9];
            }
        }
        return null;
    }

    private static boolean ownsSocket(Path pidDir, String target) {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(pidDir.resolve("fd"))) {
            for (Path fd : fds) {
                try {
                    if (Files.readSymbolicLink(fd).toString().equals(target)) {
                        return true;
                    }
                } catch (IOException e) {
                    // the descriptor closed while we looked
                }
            }
        } catch (IOException | SecurityException e) {
            return false;
        }
        return false;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    static String commandLine(Path pidDir) {
        try {
            byte[] raw = Files.readAllBytes(pidDir.resolve("cmdline"));
            return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static Optional<Process> findWithLsof(int port) {
        try {
            java.lang.Process p = new ProcessBuilder("lsof", "-nP", "-iTCP:" + port, "-sTCP:LISTEN", "-Fpc")
                    .redirectErrorStream(true)
                    .start();
            if (!p.waitFor(2, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            long pid = -1;
            String name = "?";
            for (String line : new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith("p")) {
                    pid = Long.parseLong(line.substring(1).trim());
                } else if (line.startsWith("c")) {
                    name = line.substring(1).trim();
                }
            }
            return pid < 0 ? Optional.empty() : Optional.of(new Process(pid, name, ""));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
