package dev.loopgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code loopgate logs SERVICE [-f] [-n N]}: the output of a command loopgate runs. */
@Command(
        name = "logs",
        mixinStandardHelpOptions = true,
        description = "Show the output of a service's command (the last 1,000 lines are kept).")
final class LogsCommand implements Callable<Integer> {
    /** How often -f asks for new lines. */
    static final long FOLLOW_MILLIS = 250;

    @Mixin
    GlobalOptions global;

    @Parameters(index = "0", paramLabel = "SERVICE")
    String service;

    @Option(
            names = {"-f", "--follow"},
            description = "Keep printing new lines until interrupted.")
    boolean follow;

    @Option(
            names = {"-n", "--lines"},
            paramLabel = "N",
            description = "How many of the last lines (default 100).")
    int lines = 100;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        String path = "/api/v1/services/" + RegisterCommand.encode(service) + "/logs";
        PrintWriter out = spec.commandLine().getOut();
        try {
            AdminClient client = global.client();
            AdminClient.Reply reply = client.get(path + "?n=" + lines);
            if (!reply.ok()) {
                return Cli.fail(spec, reply.error());
            }
            long next = print(reply.body(), out);
            while (follow) {
                Thread.sleep(FOLLOW_MILLIS);
                reply = client.get(path + "?after=" + next);
                if (!reply.ok()) {
                    return Cli.fail(spec, reply.error());
                }
                next = print(reply.body(), out);
            }
            return 0;
        } catch (AdminClient.Unreachable e) {
            return Cli.fail(spec, e.getMessage());
        }
    }

    private static long print(JsonNode body, PrintWriter out) {
        for (JsonNode l : body.path("lines")) {
            String stream = l.path("stream").asText();
            out.println((stream.equals("loopgate") ? "[loopgate] " : "")
                    + l.path("text").asText());
        }
        out.flush();
        return body.path("next").asLong();
    }
}
