package dev.loopgate.cli;

import dev.loopgate.process.ProcessGroup;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code loopgate run SERVICE -- CMD ARGS...}: start a dev server on a free port and route {@code SERVICE.localhost}
 * to it for as long as it runs. The command sees the port as {@code $PORT} and wherever {@code {port}} appears in
 * its arguments; its output passes through unchanged and its exit status becomes ours.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = "Run a dev server on a free port and route SERVICE.localhost to it while it runs.")
final class RunCommand implements Callable<Integer> {
    @Mixin
    GlobalOptions global;

    @Parameters(index = "0", paramLabel = "SERVICE")
    String service;

    @Parameters(
            index = "1..*",
            paramLabel = "CMD",
            arity = "1..*",
            description = "The command, after --; {port} in its arguments becomes the chosen port.")
    List<String> command;

    @Option(names = "--host", paramLabel = "H", description = "Host to route (repeatable; default SERVICE.localhost).")
    List<String> hosts;

    @Option(names = "--path", paramLabel = "P", description = "Path prefix to route (repeatable; default /).")
    List<String> paths;

    @Option(names = "--id", description = "Backend id (default: run-PID).")
    String id;

    @Option(names = "--no-proxy-env", description = "Do not give the command the proxy settings of 'loopgate env'.")
    boolean noProxyEnv;

    @Option(
            names = "--ttl",
            defaultValue = "10s",
            description = "Lease, renewed every third of it while the command runs (default 10s).")
    String ttl;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        Duration lease;
        try {
            lease = dev.loopgate.config.Durations.parse(ttl);
        } catch (IllegalArgumentException e) {
            return Cli.fail(spec, "--ttl " + e.getMessage());
        }
        int port;
        try {
            port = dev.loopgate.diagnostics.FreePort.belowEphemeralRange();
        } catch (IOException e) {
            return Cli.fail(spec, "cannot find a free port: " + e.getMessage());
        }
        List<String> cmd = new ArrayList<>();
        command.forEach(a -> cmd.add(a.replace("{port}", Integer.toString(port))));
        ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
        pb.environment().put("PORT", Integer.toString(port));
        if (!noProxyEnv) {
            // So that the dev server can call its neighbours by *.localhost name, whatever its runtime.
            try {
                pb.environment()
                        .putAll(ProxyEnv.variables(global.client().gateway().toString()));
            } catch (AdminClient.Unreachable e) {
                // no gateway yet: the command starts without the proxy settings
            }
        }
        Signals signals = Signals.install();
        ProcessGroup child;
        try {
            child = ProcessGroup.start(pb);
        } catch (IOException e) {
            return Cli.fail(spec, "cannot start '" + String.join(" ", cmd) + "': " + e.getMessage());
        }
        String backendId = id != null ? id : "run-" + ProcessHandle.current().pid();
        Lease keeper = new Lease(
                global,
                service,
                backendId,
                RegisterCommand.body("http://localhost:" + port, ttl, hosts, paths, false),
                lease,
                err);
        signals.started(child);
        keeper.start();
        int status;
        try {
            status = child.waitFor();
            // A wrapper that exited may have left its server behind (bash -c 'server &'): nothing outlives run.
            child.stop("TERM", ProcessGroup.GRACE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            child.signal("KILL");
            status = 130;
        }
        keeper.stop();
        return status;
    }
}
