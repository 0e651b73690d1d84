package dev.loopgate.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code loopgate unregister SERVICE [--id ID]}: remove one API backend, or all of a service's. */
@Command(
        name = "unregister",
        mixinStandardHelpOptions = true,
        description = "Remove a service's API backend (--id) or all of its API backends.")
final class UnregisterCommand implements Callable<Integer> {
    @Mixin
    GlobalOptions global;

    @Parameters(index = "0", paramLabel = "SERVICE")
    String service;

    @Option(names = "--id", description = "Only this backend.")
    String id;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        try {
            AdminClient.Reply reply = global.client()
                    .delete(
                            id == null
                                    ? "/api/v1/services/" + RegisterCommand.encode(service)
                                    : RegisterCommand.path(service, id));
            if (!reply.ok()) {
                return Cli.fail(spec, reply.error());
            }
            spec.commandLine().getOut().println("removed " + service + (id == null ? "" : "/" + id));
            spec.commandLine().getOut().flush();
            return 0;
        } catch (AdminClient.Unreachable e) {
            return Cli.fail(spec, e.getMessage());
        }
    }
}
