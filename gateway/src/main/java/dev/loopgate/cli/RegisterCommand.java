package dev.loopgate.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.Json;
import dev.loopgate.config.BackendUrl;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code loopgate register SERVICE URL}: add (or renew) one backend through the API. */
@Command(
        name = "register",
        mixinStandardHelpOptions = true,
        description = "Register a backend for a service (renews it when the id exists).")
final class RegisterCommand implements Callable<Integer> {
    @Mixin
    GlobalOptions global;

    @Parameters(index = "0", paramLabel = "SERVICE")
    String service;

    @Parameters(index = "1", paramLabel = "URL", description = "e.g. http://127.0.0.1:8081")
    String url;

    @Option(names = "--id", description = "Backend id (default: host:port of URL).")
    String id;

    @Option(names = "--ttl", description = "Lease, e.g. 30s: the backend disappears unless renewed in time.")
    String ttl;

    @Option(names = "--host", paramLabel = "H", description = "Host to route (repeatable; default SERVICE.localhost).")
    List<String> hosts;

    @Option(names = "--path", paramLabel = "P", description = "Path prefix to route (repeatable; default /).")
    List<String> paths;

    @Option(names = "--strip-prefix", description = "Remove the matched path prefix before forwarding.")
    boolean stripPrefix;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        String backendId = id;
        if (backendId == null) {
            try {
                backendId = BackendUrl.parse(url).id();
            } catch (IllegalArgumentException e) {
                return Cli.fail(spec, e.getMessage());
            }
        }
        try {
            AdminClient client = global.client();
            AdminClient.Reply reply = client.put(path(service, backendId), body(url, ttl, hosts, paths, stripPrefix));
            if (!reply.ok()) {
                return Cli.fail(spec, reply.error());
            }
            spec.commandLine()
                    .getOut()
                    .println(reply.body().path("result").asText() + " " + service + "/" + backendId
                            + " -> " + reply.body().path("url").asText()
                            + (reply.body().hasNonNull("lease_expires_at")
                                    ? " (lease until "
                                            + reply.body()
                                                    .get("lease_expires_at")
                                                    .asText() + ")"
                                    : ""));
            spec.commandLine().getOut().flush();
            return 0;
        } catch (AdminClient.Unreachable e) {
            return Cli.fail(spec, e.getMessage());
        }
    }

    static String path(String service, String id) {
        return "/api/v1/services/" + encode(service) + "/backends/" + encode(id);
    }

    static String encode(String segment) {
        return java.net.URLEncoder.encode(segment, java.nio.charset.StandardCharsets.UTF_8)
                .replace("+", "%20");
    }

    static ObjectNode body(String url, String ttl, List<String> hosts, List<String> paths, boolean stripPrefix) {
        ObjectNode n = Json.mapper().createObjectNode();
        n.put("url", url);
        if (ttl != null) {
            n.put("ttl", ttl);
        }
        if (hosts != null && !hosts.isEmpty()) {
            hosts.forEach(n.putArray("hosts")::add);
        }
        if (paths != null && !paths.isEmpty()) {
            paths.forEach(n.putArray("paths")::add);
        }
        if (stripPrefix) {
            n.put("strip_prefix", true);
        }
        return n;
    }
}
