package dev.loopgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.ConfigLocation;
import dev.loopgate.Json;
import dev.loopgate.config.BackendUrl;
import dev.loopgate.config.ConfigException;
import dev.loopgate.config.ConfigLoader;
import dev.loopgate.config.GatewayConfig;
import dev.loopgate.diagnostics.Check;
import dev.loopgate.diagnostics.CommandCheck;
import dev.loopgate.diagnostics.Doctor;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code loopgate doctor}: checks the machine and every route, prints each verdict with its fix. */
@Command(
        name = "doctor",
        mixinStandardHelpOptions = true,
        description = "Check the gateway, its port, *.localhost resolution, every backend and the ephemeral port"
                + " range; exit 1 when a check fails (warnings do not fail).")
final class DoctorCommand implements Callable<Integer> {
    @Mixin
    GlobalOptions global;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Option(names = "--config", paramLabel = "FILE", description = "Config to check when no gateway is running.")
    Path config;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** The running gateway's HTTPS port (0: off) and why it is off, or {@code null} when no gateway answers. */
    private Integer httpsPort;

    private String httpsNote;

    @Override
    public Integer call() {
        Doctor doctor = new Doctor(Paths.get("/proc"));
        List<Check> checks = new ArrayList<>();
        List<Doctor.Target> targets = new ArrayList<>();
        List<String> hosts = new ArrayList<>();
        List<String> notices = new ArrayList<>();
        List<CommandCheck.Command> commands = new ArrayList<>();
        GatewayConfig file = readConfig(checks);
        Doctor.GatewayState state = gatewayState(targets, hosts, notices, commands);
        checks.add(doctor.gateway(state));
        notices.forEach(n -> checks.add(Check.warn(
                "not routed",
                n,
                "the dashboard lists it under 'Configured but not routed'; see docs/troubleshooting.md")));
        if (state.address() == null && file != null) {
            file.services().values().forEach(s -> {
                s.backends().forEach(b -> targets.add(new Doctor.Target(s.name(), b, "file")));
                hosts.addAll(s.hosts());
            });
        }
        checks.add(doctor.port(
                file == null ? dev.loopgate.config.ListenAddress.DEFAULT : file.listen(), state.address() != null));
        checks.add(doctor.resolver(hosts));
        checks.addAll(doctor.backends(targets));
        checks.addAll(dev.loopgate.diagnostics.HttpsCheck.check(
                httpsPort, httpsNote, global.stateDir().path().resolve("ca"), hosts, System.getenv()));
        if (!commands.isEmpty()) {
            List<dev.loopgate.diagnostics.Listeners.Listener> listeners =
                    dev.loopgate.diagnostics.Listeners.scan(Paths.get("/proc"), false);
            commands.forEach(c -> checks.add(CommandCheck.check(c, listeners)));
        }
        checks.add(doctor.ephemeral());
        print(checks);
        return checks.stream().anyMatch(c -> c.status() == Check.Status.FAIL) ? Cli.EXIT_FAILED : 0;
    }

    private GatewayConfig readConfig(List<Check> checks) {
        Path file =
                ConfigLocation.resolve(config, System.getenv(), Paths.get("").toAbsolutePath());
        if (file == null) {
            return null;
        }
        try {
            return ConfigLoader.load(file);
        } catch (ConfigException e) {
            checks.add(Check.fail(
                    "config",
                    e.problems().get(0).toString(),
                    "fix the file; 'loopgate serve' lists" + " every problem"));
            return null;
        }
    }

    private Doctor.GatewayState gatewayState(
            List<Doctor.Target> targets,
            List<String> hosts,
            List<String> notices,
            List<CommandCheck.Command> commands) {
        try {
            AdminClient client = global.client();
            AdminClient.Reply reply = client.get("/api/v1/services");
            for (JsonNode s : reply.body().path("services")) {
                s.path("hosts").forEach(h -> hosts.add(h.asText()));
                if (s.has("process")) {
                    // Its port is loopgate's to fill: the command check says more than "nothing listens".
                    commands.add(command(client, s));
                    continue;
                }
                for (JsonNode b : s.path("backends")) {
                    targets.add(new Doctor.Target(
                            s.path("name").asText(),
                            BackendUrl.parse(b.path("url").asText()),
                            b.path("source").asText("api")));
                }
            }
            reply.body().path("notices").forEach(n -> notices.add(n.asText()));
            JsonNode https = reply.body().path("https");
            httpsPort = https.path("port").asInt(0);
            httpsNote = https.path("note").isTextual() ? https.path("note").asText() : null;
            return new Doctor.GatewayState(client.gateway().toString(), null);
        } catch (AdminClient.Unreachable e) {
            return new Doctor.GatewayState(null, e.getMessage());
        } catch (RuntimeException e) {
            return new Doctor.GatewayState(null, "the gateway answered something unexpected: " + e.getMessage());
        }
    }

    private static CommandCheck.Command command(AdminClient client, JsonNode service) throws AdminClient.Unreachable {
        String name = service.path("name").asText();
        JsonNode p = service.path("process");
        List<String> last = new ArrayList<>();
        AdminClient.Reply logs = client.get("/api/v1/services/" + RegisterCommand.encode(name) + "/logs?n=20");
        if (logs.ok()) {
            // What the command itself wrote, not loopgate's notes about it.
            logs.body().path("lines").forEach(l -> {
                if (!l.path("stream").asText().equals("loopgate")) {
                    last.add(l.path("text").asText());
                }
            });
        }
        return new CommandCheck.Command(
                name,
                p.path("state").asText(),
                p.path("pid").isNumber() ? p.path("pid").asLong() : null,
                p.path("exit_code").isNumber() ? p.path("exit_code").asInt() : null,
                p.path("port").asInt(),
                p.path("command").asText(),
                p.path("problem").isTextual() ? p.path("problem").asText() : null,
                last);
    }

    private void print(List<Check> checks) {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode root = Json.mapper().createObjectNode();
            root.put("ok", checks.stream().noneMatch(c -> c.status() == Check.Status.FAIL));
            ArrayNode list = root.putArray("checks");
            for (Check c : checks) {
                ObjectNode n = list.addObject();
                n.put("name", c.name());
                n.put("status", c.status().name().toLowerCase(java.util.Locale.ROOT));
                n.put("message", c.message());
                if (c.fix() == null) {
                    n.putNull("fix");
                } else {
                    n.put("fix", c.fix());
                }
            }
            out.println(root.toPrettyString());
        } else {
            for (Check c : checks) {
                String mark =
                        switch (c.status()) {
                            case OK -> "ok  ";
                            case WARN -> "warn";
                            case FAIL -> "FAIL";
                        };
                out.println(mark + "  " + c.name() + ": " + c.message());
                if (c.fix() != null) {
                    out.println("      fix: " + c.fix());
                }
            }
        }
        out.flush();
    }
}
