package dev.loopgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.Json;
import dev.loopgate.config.BackendUrl;
import dev.loopgate.diagnostics.Listeners;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code loopgate ports}: the listening sockets of this machine, who holds them and what is notable about them. */
@Command(
        name = "ports",
        mixinStandardHelpOptions = true,
        description = "List listening sockets with process, routed service and flags (exposed, ipv6-only, ipv4-only,"
                + " ephemeral).")
final class PortsCommand implements Callable<Integer> {
    @Mixin
    GlobalOptions global;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Option(names = "--all", description = "Include UDP sockets.")
    boolean all;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Path proc = Path.of("/proc");
        List<Listeners.Listener> sockets;
        if (Files.isDirectory(proc.resolve("net"))) {
            sockets = Listeners.scan(proc, all);
        } else {
            sockets = dev.loopgate.diagnostics.Lsof.scan(dev.loopgate.diagnostics.EphemeralRange.LINUX_DEFAULT);
            if (sockets == null) {
                return Cli.fail(
                        spec,
                        "this system has neither /proc/net nor a working lsof, so loopgate cannot see"
                                + " its sockets");
            }
        }
        Map<Integer, String> services = routedPorts(global);
        if (json) {
            spec.commandLine().getOut().println(json(sockets, services).toPrettyString());
        } else {
            spec.commandLine().getOut().print(table(sockets, services));
        }
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** Loopback backend ports of the running gateway's services; empty when no gateway answers. */
    static Map<Integer, String> routedPorts(GlobalOptions global) {
        Map<Integer, String> out = new HashMap<>();
        try {
            AdminClient.Reply reply = global.client().get("/api/v1/services");
            for (JsonNode s : reply.body().path("services")) {
                for (JsonNode b : s.path("backends")) {
                    BackendUrl url = BackendUrl.parse(b.path("url").asText());
                    out.merge(url.port(), s.path("name").asText(), (x, y) -> x.equals(y) ? x : x + "," + y);
                }
            }
        } catch (AdminClient.Unreachable | RuntimeException e) {
            // without a gateway there is simply no service column
        }
        return out;
    }

    private static ObjectNode json(List<Listeners.Listener> sockets, Map<Integer, String> services) {
        ObjectNode root = Json.mapper().createObjectNode();
        ArrayNode list = root.putArray("sockets");
        for (Listeners.Listener l : sockets) {
            ObjectNode n = list.addObject();
            n.put("proto", l.proto());
            n.put("address", l.addressText());
            n.put("port", l.port());
            if (l.pid() > 0) {
                n.put("pid", l.pid());
                n.put("process", l.process());
                n.put("command", l.command());
            } else {
                n.putNull("pid");
                n.putNull("process");
                n.putNull("command");
            }
            String service = services.get(l.port());
            if (service == null) {
                n.putNull("service");
            } else {
                n.put("service", service);
            }
            l.flags().forEach(n.putArray("flags")::add);
        }
        return root;
    }

    private static String table(List<Listeners.Listener> sockets, Map<Integer, String> services) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"PROTO", "ADDRESS", "PORT", "PID", "PROCESS", "SERVICE", "FLAGS"});
        for (Listeners.Listener l : sockets) {
            rows.add(new String[] {
                l.proto(),
                l.addressText(),
                Integer.toString(l.port()),
                l.pid() > 0 ? Long.toString(l.pid()) : "-",
                l.pid() > 0 ? l.process() : "(not visible)",
                services.getOrDefault(l.port(), ""),
                String.join(",", l.flags())
            });
        }
        return Cli.columns(rows);
    }
}
