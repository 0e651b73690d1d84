package dev.loopgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code loopgate start|stop|restart SERVICE}: asks the gateway to start, stop or restart a service's command. */
abstract class ProcessAction implements Callable<Integer> {
    @Mixin
    GlobalOptions global;

    @Parameters(index = "0", paramLabel = "SERVICE", description = "A service with a 'command:' in the config file.")
    String service;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    abstract String action();

    abstract String done();

    @Override
    public Integer call() {
        try {
            AdminClient.Reply reply =
                    global.client().post("/api/v1/services/" + RegisterCommand.encode(service) + "/" + action());
            if (!reply.ok()) {
                return Cli.fail(spec, reply.error());
            }
            JsonNode p = reply.body().path("process");
            spec.commandLine()
                    .getOut()
                    .println(done() + " " + service + " (was " + p.path("state").asText() + ", port "
                            + p.path("port").asInt() + ")");
            spec.commandLine().getOut().flush();
            return 0;
        } catch (AdminClient.Unreachable e) {
            return Cli.fail(spec, e.getMessage());
        }
    }

    @Command(name = "start", mixinStandardHelpOptions = true, description = "Start a service's command now.")
    static final class Start extends ProcessAction {
        @Override
        String action() {
            return "start";
        }

        @Override
        String done() {
            return "starting";
        }
    }

    @Command(
            name = "stop",
            mixinStandardHelpOptions = true,
            description = "Stop a service's command (the next request starts it again).")
    static final class Stop extends ProcessAction {
        @Override
        String action() {
            return "stop";
        }

        @Override
        String done() {
            return "stopping";
        }
    }

    @Command(name = "restart", mixinStandardHelpOptions = true, description = "Restart a service's command.")
    static final class Restart extends ProcessAction {
        @Override
        String action() {
            return "restart";
        }

        @Override
        String done() {
            return "restarting";
        }
    }
}
