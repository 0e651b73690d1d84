package dev.loopgate.cli;

import dev.loopgate.ConfigLocation;
import dev.loopgate.config.ConfigException;
import dev.loopgate.config.ConfigLoader;
import dev.loopgate.tls.LocalCa;
import dev.loopgate.tls.TrustStore;
import dev.loopgate.tls.TrustStores;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code loopgate trust} and {@code loopgate untrust}: add loopgate's root to (or remove it from) every trust store
 * found, each on its own and best effort; every store's result is reported, a failure with the command that fixes it.
 * Exit status 0 when every store worked, 1 otherwise.
 */
abstract class TrustCommand implements Callable<Integer> {
    @Mixin
    GlobalOptions global;

    @Option(
            names = "--store",
            defaultValue = "all",
            paramLabel = "KIND",
            description = "system, nss (Chromium and Firefox on Linux), java ($JAVA_HOME's cacerts) or all (default).")
    String store;

    @Option(names = "--dry-run", description = "Print the commands for each store; change nothing.")
    boolean dryRun;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    abstract boolean adding();

    @Override
    public Integer call() {
        if (!store.matches("system|nss|java|all")) {
            return Cli.fail(spec, "--store must be system, nss, java or all, got '" + store + "'");
        }
        PrintWriter out = spec.commandLine().getOut();
        try {
            Path caDir = global.stateDir().path().resolve("ca");
            Path root = caDir.resolve("root.pem");
            if (adding()) {
                // Trusting before the first HTTPS start is fine: the CA is made now, with the config's names.
                LocalCa.loadOrCreate(caDir, configuredNames(), Clock.systemUTC());
            } else if (!java.nio.file.Files.exists(root)) {
                out.println("loopgate has no CA in " + caDir + ": nothing to remove.");
                out.flush();
                return 0;
            }
            out.println("loopgate's root: " + root);
            int failed = 0;
            List<TrustStore> stores = TrustStores.find(store, System.getenv(), root);
            if (stores.isEmpty()) {
                out.println("  no " + store + " trust store found on this machine");
            }
            for (TrustStore s : stores) {
                failed += report(out, s, root) ? 0 : 1;
            }
            if (adding() && !dryRun) {
                out.println("Restart browsers that are open; 'loopgate env' gives other tools the root.");
            }
            out.flush();
            return failed == 0 ? 0 : 1;
        } catch (Exception e) {
            return Cli.fail(spec, e.getMessage());
        }
    }

    private boolean report(PrintWriter out, TrustStore s, Path root) {
        List<List<String>> commands = adding() ? s.addCommands(root) : s.removeCommands(root);
        if (dryRun) {
            out.println("  " + s.describe() + ":");
            commands.forEach(c -> out.println("      " + dev.loopgate.tls.TrustActions.shell(c)));
            return true;
        }
        dev.loopgate.tls.TrustActions.Result r = dev.loopgate.tls.TrustActions.apply(s, root, adding());
        out.println("  " + (r.ok() ? "ok  " : "FAIL") + " " + s.describe() + ": " + r.message());
        if (!r.ok()) {
            out.println("       to fix it, run:");
            commands.forEach(c -> out.println("         " + r.prefix() + dev.loopgate.tls.TrustActions.shell(c)));
        }
        return r.ok();
    }

    /** The {@code https.names} of the config file, if there is a valid one. */
    private static List<String> configuredNames() {
        Path file = ConfigLocation.resolve(null, System.getenv(), Paths.get("").toAbsolutePath());
        if (file == null) {
            return List.of();
        }
        try {
            return ConfigLoader.load(file).https().names();
        } catch (ConfigException e) {
            return List.of();
        }
    }

    @Command(
            name = "trust",
            mixinStandardHelpOptions = true,
            description = "Trust loopgate's local CA (name-constrained to localhost) in the system, browsers and Java.")
    static final class Trust extends TrustCommand {
        @Override
        boolean adding() {
            return true;
        }
    }

    @Command(
            name = "untrust",
            mixinStandardHelpOptions = true,
            description = "Remove loopgate's local CA from every trust store 'loopgate trust' added it to.")
    static final class Untrust extends TrustCommand {
        @Override
        boolean adding() {
            return false;
        }
    }
}
