package dev.loopgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.resolve.HostsFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code loopgate hosts sync|clean}: the served names as a marked block in the hosts file. */
@Command(
        name = "hosts",
        mixinStandardHelpOptions = true,
        description = "sync: write every served name to a marked block of the hosts file; clean: remove the block.")
final class HostsCommand implements Callable<Integer> {
    @Mixin
    GlobalOptions global;

    @Parameters(index = "0", paramLabel = "sync|clean")
    String action;

    @Option(
            names = "--file",
            paramLabel = "F",
            defaultValue = "/etc/hosts",
            description = "The hosts file (default /etc/hosts).")
    Path file;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        HostsFile hosts = new HostsFile(file);
        try {
            if (action.equals("clean")) {
                out.println(hosts.clean() ? "removed loopgate's block from " + file : "no loopgate block in " + file);
            } else if (action.equals("sync")) {
                HostsFile.Result r = hosts.sync(servedHosts());
                out.println((r.changed() ? "wrote " : "already up to date: ")
                        + r.names().size() + " name(s) to " + file);
                if (!r.wildcards().isEmpty()) {
                    out.println("not written (a hosts file cannot hold wildcards): " + String.join(", ", r.wildcards())
                            + "; use the DNS responder or 'loopgate env' for those");
                }
            } else {
                return Cli.fail(spec, "say 'loopgate hosts sync' or 'loopgate hosts clean'");
            }
            out.flush();
            return 0;
        } catch (IOException e) {
            return Cli.fail(spec, e.getMessage());
        } catch (AdminClient.Unreachable e) {
            return Cli.fail(spec, e.getMessage());
        }
    }

    private List<String> servedHosts() throws AdminClient.Unreachable {
        AdminClient client = global.client();
        AdminClient.Reply reply = client.get("/api/v1/services");
        List<String> out = new ArrayList<>();
        out.add(client.adminHost());
        for (JsonNode s : reply.body().path("services")) {
            s.path("hosts").forEach(h -> out.add(h.asText()));
        }
        return out;
    }
}
