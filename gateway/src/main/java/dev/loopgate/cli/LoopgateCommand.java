package dev.loopgate.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The root command: only a list of subcommands. */
@Command(
        name = "loopgate",
        mixinStandardHelpOptions = true,
        version = "loopgate 0.1.0",
        description = "A localhost dev gateway: http://NAME.localhost instead of port numbers.",
        subcommands = {
            ServeCommand.class,
            LsCommand.class,
            RegisterCommand.class,
            UnregisterCommand.class,
            RunCommand.class,
            DashboardCommand.class,
            PortsCommand.class,
            DoctorCommand.class,
            EnvCommand.class,
            TrustCommand.Trust.class,
            TrustCommand.Untrust.class,
            HostsCommand.class,
            LogsCommand.class,
            ProcessAction.Start.class,
            ProcessAction.Stop.class,
            ProcessAction.Restart.class,
            CommandLine.HelpCommand.class
        })
public final class LoopgateCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** {@code --gateway} and {@code --state-dir} before the subcommand; each client command reads them here. */
    @CommandLine.Mixin
    GlobalOptions global;

    public static CommandLine commandLine() {
        return new CommandLine(new LoopgateCommand()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
