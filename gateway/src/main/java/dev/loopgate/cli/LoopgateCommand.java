package dev.loopgate.cli;

import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The root command: only a list of subcommands. */
@Command(
        name = "loopgate",
        mixinStandardHelpOptions = true,
        version = "loopgate 0.1.0",
        description = "A localhost dev gateway: http://NAME.localhost instead of port numbers.")
public final class LoopgateCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** {@code --gateway} and {@code --state-dir} before the subcommand; each client command reads them here. */
    @CommandLine.Mixin
    GlobalOptions global;

    /** In the order {@code loopgate --help} lists them. */
    private static final List<Class<?>> SUBCOMMANDS = List.of(
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
            CommandLine.HelpCommand.class);

    /** The whole command tree. */
    public static CommandLine commandLine() {
        return commandLine(SUBCOMMANDS);
    }

    /**
     * The command tree for these arguments: only the subcommands named in them, when there is one besides
     * {@code help}. picocli reads every subcommand's annotations by reflection when it is added, which was a fifth
     * of the time {@code loopgate serve} took to start on one core; a command's own parse is all a run needs. Without a
     * named subcommand (no arguments, {@code --help}, {@code help}, a typo) the whole tree is built, so usage and
     * "did you mean" list every command.
     */
    public static CommandLine commandLine(String... args) {
        List<String> words = Arrays.asList(args);
        List<Class<?>> named = SUBCOMMANDS.stream()
                .filter(c -> words.contains(c.getAnnotation(Command.class).name()))
                .toList();
        boolean onlyHelp = named.stream().allMatch(c -> c == CommandLine.HelpCommand.class);
        return commandLine(onlyHelp ? SUBCOMMANDS : named);
    }

    private static CommandLine commandLine(List<Class<?>> subcommands) {
        CommandLine cl = new CommandLine(new LoopgateCommand());
        subcommands.forEach(cl::addSubcommand);
        return cl.setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
