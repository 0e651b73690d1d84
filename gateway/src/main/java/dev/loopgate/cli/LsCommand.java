package dev.loopgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code loopgate ls}: services, their URLs, backends and health. */
@Command(name = "ls", mixinStandardHelpOptions = true, description = "List services, URLs, backends and health.")
final class LsCommand implements Callable<Integer> {
    @Mixin
    GlobalOptions global;

    @Option(names = "--json", description = "Print the API's JSON.")
    boolean json;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try {
            AdminClient.Reply reply = global.client().get("/api/v1/services");
            if (!reply.ok()) {
                return Cli.fail(spec, reply.error());
            }
            if (json) {
                out.println(reply.body().toPrettyString());
            } else {
                out.print(table(reply.body().path("services")));
            }
            out.flush();
            return 0;
        } catch (AdminClient.Unreachable e) {
            return Cli.fail(spec, e.getMessage());
        }
    }

    static String table(JsonNode services) {
        if (services.isEmpty()) {
            return "no services yet: add one to the config file, or run 'loopgate register NAME http://127.0.0.1:PORT'\n";
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"SERVICE", "URL", "BACKEND", "SOURCE", "HEALTH"});
        for (JsonNode s : services) {
            List<String> urls = new ArrayList<>();
            s.path("urls").forEach(u -> urls.add(u.asText()));
            List<JsonNode> backends = new ArrayList<>();
            s.path("backends").forEach(backends::add);
            int lines = Math.max(Math.max(urls.size(), backends.size()), 1);
            for (int i = 0; i < lines; i++) {
                JsonNode b = i < backends.size() ? backends.get(i) : null;
                rows.add(new String[] {
                    i == 0 ? s.path("name").asText() : "",
                    i < urls.size() ? urls.get(i) : "",
                    b == null ? (i == 0 ? "(none)" : "") : b.path("url").asText(),
                    b == null ? "" : b.path("source").asText(),
                    b == null ? "" : b.path("health").asText() + lease(b) + (i == 0 ? command(s) : "")
                });
            }
        }
        return Cli.columns(rows);
    }

    /** For a service whose command loopgate runs: its state, and why it is not serving. */
    private static String command(JsonNode service) {
        JsonNode p = service.path("process");
        if (p.isMissingNode()) {
            return "";
        }
        return " (command " + p.path("state").asText()
                + (p.path("pid").isNumber() ? ", pid " + p.path("pid").asLong() : "")
                + (p.path("problem").isTextual() ? ": " + p.path("problem").asText() : "") + ")";
    }

    private static String lease(JsonNode backend) {
        return backend.hasNonNull("lease_expires_at")
                ? " (lease until " + backend.get("lease_expires_at").asText() + ")"
                : "";
    }
}
