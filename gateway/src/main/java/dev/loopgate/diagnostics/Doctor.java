package dev.loopgate.diagnostics;

import dev.loopgate.config.BackendUrl;
import dev.loopgate.config.ListenAddress;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The checks behind {@code loopgate doctor}: the gateway, its port, the resolver, every routed backend and the
 * ephemeral port range. Each check is small and says its own fix.
 */
public final class Doctor {
    private final Path proc;

    public Doctor(Path proc) {
        this.proc = proc;
    }

    /**
     * A backend to check: which service, its URL, and where it came from ({@code file}, {@code api}, {@code docker}),
     * since who chose the port decides what advice can be followed.
     */
    public record Target(String service, BackendUrl url, String source) {}

    /** The gateway, as far as the CLI could see it: its address when running, else {@code null} and why not. */
    public record GatewayState(String address, String problem) {}

    public Check gateway(GatewayState state) {
        if (state.address() != null) {
            return Check.ok("gateway", "running at " + state.address());
        }
        return Check.fail("gateway", state.problem(), null);
    }

    /** Whether the port the gateway wants can be bound (only meaningful while it is not running). */
    public Check port(ListenAddress listen, boolean gatewayRunning) {
        if (gatewayRunning) {
            return Check.ok("port", "the gateway holds its port");
        }
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(listen.toSocketAddress());
            return Check.ok("port", listen + " is free");
        } catch (IOException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("Permission denied")) {
                return Check.warn(
                        "port",
                        "port " + listen.port() + " needs privileges; loopgate will fall back to 8080",
                        "sudo sysctl -w net.ipv4.ip_unprivileged_port_start=80, or run 'loopgate serve --port 8080'");
            }
            return Check.fail(
                    "port",
                    listen + " is in use by " + PortOwner.describe(listen.port()),
                    "stop that process, or run 'loopgate serve --port N'");
        }
    }

    /** Whether the system resolver knows {@code *.localhost}; browsers and curl resolve it themselves anyway. */
    public Check resolver(List<String> hosts) {
        try {
            InetAddress a = InetAddress.getByName("loopgate-doctor.localhost");
            if (a.isLoopbackAddress()) {
                return Check.ok("resolver", "*.localhost resolves to loopback for every client");
            }
        } catch (UnknownHostException e) {
            // reported below
        }
        StringBuilder lines = new StringBuilder();
        for (String h : hosts) {
            if (!h.startsWith("*.")) {
                lines.append(lines.length() == 0 ? "" : "; ")
                        .append("127.0.0.1 ")
                        .append(h);
            }
        }
        return Check.warn(
                "resolver",
                "*.localhost names do not resolve for Java, Node or Python here (browsers and"
                        + " curl resolve them themselves)",
                "sudo apt install libnss-myhostname (or enable systemd-resolved)"
                        + (lines.length() == 0 ? "" : ", or add to /etc/hosts: " + lines));
    }

    /** Reachable? On which address family? Exposed? Inside the ephemeral range? One check per backend. */
    public List<Check> backends(List<Target> targets) {
        List<Listeners.Listener> listeners = Listeners.scan(proc, false);
        EphemeralRange range = EphemeralRange.read(proc);
        List<Check> out = new ArrayList<>();
        for (Target t : targets) {
            out.add(backend(t, listeners, range));
        }
        return out;
    }

    private Check backend(Target t, List<Listeners.Listener> listeners, EphemeralRange range) {
        String name = "backend " + t.service() + " (" + t.url().authority() + ")";
        int port = t.url().port();
        String host = t.url().host();
        if (!host.equals("localhost") && !host.startsWith("127.") && !host.equals("::1")) {
            return Check.ok(name, "not on this machine's loopback; not checked");
        }
        boolean v4 = accepts(InetAddress.getLoopbackAddress(), port);
        boolean v6 = accepts(Loopback.IPV6, port);
        List<Listeners.Listener> on = listeners.stream()
                .filter(l -> l.port() == port && l.proto().equals("tcp"))
                .toList();
        String owner = on.stream()
                .filter(l -> l.pid() > 0)
                .map(l -> l.process() + " (pid " + l.pid() + ")")
                .findFirst()
                .orElse("a process");
        if (!v4 && !v6) {
            return Check.fail(
                    name,
                    "nothing listens on port " + port,
                    "start the dev server for '" + t.service() + "', or point the service at the port it uses");
        }
        if (host.startsWith("127.") && !v4) {
            return Check.fail(
                    name,
                    owner + " listens on [::1]:" + port + " only, but the backend URL says " + host,
                    "use http://localhost:" + port + " as the backend, or start the server with --host 127.0.0.1");
        }
        if (host.equals("::1") && !v6) {
            return Check.fail(
                    name,
                    owner + " listens on 127.0.0.1:" + port + " only, but the backend URL says [::1]",
                    "use http://localhost:" + port + " as the backend");
        }
        if (on.stream().anyMatch(l -> l.flags().contains("exposed"))) {
            return Check.warn(
                    name,
                    owner + " listens on all interfaces: other machines on the network can reach it",
                    "start it bound to 127.0.0.1 (e.g. --host 127.0.0.1)");
        }
        if (range.contains(port)) {
            return Check.warn(
                    name,
                    "port " + port + " is inside the ephemeral range " + range.low() + "–" + range.high()
                            + ": an outgoing connection may take it while the server is down",
                    t.source().equals("file")
                            ? "move the dev server and services." + t.service() + " in the config file to a port"
                                    + " below " + range.low()
                            : "whoever registers it should pick a port below " + range.low()
                                    + " ('loopgate run' does that itself)");
        }
        String family = v4 && v6 ? "IPv4 and IPv6" : v4 ? "IPv4 (127.0.0.1)" : "IPv6 (::1)";
        return Check.ok(name, "reachable on " + family + ", served by " + owner);
    }

    /** How much of the ephemeral range is in use (TIME_WAIT included); a warning near exhaustion. */
    public Check ephemeral() {
        EphemeralRange range = EphemeralRange.read(proc);
        int used = range.inUse(SocketTable.read(proc, "tcp", "tcp6"));
        return ephemeral(range, used);
    }

    static Check ephemeral(EphemeralRange range, int used) {
        int percent = (int) Math.round(100.0 * used / range.size());
        String message = range.low() + "–" + range.high() + ", " + used + " in use (" + percent + "%)";
        if (percent >= 80) {
            return Check.warn(
                    "ephemeral ports",
                    message + "; new outgoing connections will soon fail",
                    "find the process with many connections ('ss -tan state time-wait | wc -l'), or widen"
                            + " net.ipv4.ip_local_port_range");
        }
        return Check.ok("ephemeral ports", message);
    }

    private static boolean accepts(InetAddress address, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
