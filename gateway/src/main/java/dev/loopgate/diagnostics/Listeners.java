package dev.loopgate.diagnostics;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Listening sockets with the process behind each and what is notable about them. */
public final class Listeners {
    private Listeners() {}

    /** One listening socket. {@code pid} is -1 when the owner cannot be seen (another user's process). */
    public record Listener(
            String proto, InetAddress address, int port, long pid, String process, String command, List<String> flags) {
        public String addressText() {
            String a = address.getHostAddress();
            int zone = a.indexOf('%');
            if (zone >= 0) {
                a = a.substring(0, zone);
            }
            if (address instanceof Inet6Address) {
                return a.equals("0:0:0:0:0:0:0:0") ? "::" : a.equals("0:0:0:0:0:0:0:1") ? "::1" : a;
            }
            return a;
        }
    }

    /** The listening TCP (and, with {@code udp}, UDP) sockets of this machine, sorted by port. */
    public static List<Listener> scan(Path proc, boolean udp) {
        List<SocketTable.Entry> tcp = SocketTable.read(proc, "tcp", "tcp6");
        List<SocketTable.Entry> all = new ArrayList<>(tcp);
        if (udp) {
            all.addAll(SocketTable.read(proc, "udp", "udp6"));
        }
        EphemeralRange range = EphemeralRange.read(proc);
        Map<Long, PortOwner.Process> owners = owners(proc);
        List<SocketTable.Entry> listening =
                all.stream().filter(SocketTable.Entry::listening).toList();
        List<Listener> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (SocketTable.Entry e : listening) {
            String proto = e.proto().replace("6", "");
            if (!seen.add(proto + " " + e.address().getHostAddress() + " " + e.port())) {
                continue;
            }
            PortOwner.Process p = owners.get(e.inode());
            out.add(new Listener(
                    proto,
                    e.address(),
                    e.port(),
                    p == null ? -1 : p.pid(),
                    p == null ? "" : p.name(),
                    p == null ? "" : p.command(),
                    flags(e, listening, range)));
        }
        out.sort(java.util.Comparator.comparingInt(Listener::port).thenComparing(Listener::proto));
        return out;
    }

    static List<String> flags(SocketTable.Entry e, List<SocketTable.Entry> listening, EphemeralRange range) {
        List<String> flags = new ArrayList<>();
        InetAddress a = e.address();
        String proto = e.proto().replace("6", "");
        if (!a.isLoopbackAddress()) {
            flags.add("exposed");
        } else {
            boolean v4 = false;
            boolean v6 = false;
            for (SocketTable.Entry other : listening) {
                if (other.port() != e.port() || !other.proto().replace("6", "").equals(proto)) {
                    continue;
                }
                InetAddress o = other.address();
                // A socket on the wildcard address answers both families (Linux's default bindv6only=0 for ::).
                v4 |= !(o instanceof Inet6Address) && (o.isLoopbackAddress() || o.isAnyLocalAddress())
                        || o instanceof Inet6Address && o.isAnyLocalAddress();
                v6 |= o instanceof Inet6Address && (o.isLoopbackAddress() || o.isAnyLocalAddress());
            }
            if (v6 && !v4) {
                flags.add("ipv6-only");
            } else if (v4 && !v6) {
                flags.add("ipv4-only");
            }
        }
        if (range.contains(e.port())) {
            flags.add("ephemeral");
        }
        return flags;
    }

    /** Socket inode to process, from every {@code /proc/PID/fd} this user may read. */
    static Map<Long, PortOwner.Process> owners(Path proc) {
        Map<Long, PortOwner.Process> out = new HashMap<>();
        try (DirectoryStream<Path> pids = Files.newDirectoryStream(proc, "[0-9]*")) {
            for (Path pidDir : pids) {
                PortOwner.Process process = null;
                try (DirectoryStream<Path> fds = Files.newDirectoryStream(pidDir.resolve("fd"))) {
                    for (Path fd : fds) {
                        String target;
                        try {
                            target = Files.readSymbolicLink(fd).toString();
                        } catch (IOException e) {
                            continue;
                        }
                        if (target.startsWith("socket:[")) {
                            if (process == null) {
                                process = new PortOwner.Process(
                                        Long.parseLong(pidDir.getFileName().toString()),
                                        read(pidDir.resolve("comm")),
                                        PortOwner.commandLine(pidDir));
                            }
                            out.put(Long.parseLong(target.substring(8, target.length() - 1)), process);
                        }
                    }
                } catch (IOException | SecurityException e) {
                    // another user's process: its sockets are listed without an owner
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "?";
        }
    }
}
