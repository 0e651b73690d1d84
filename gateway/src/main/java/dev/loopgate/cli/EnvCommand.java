package dev.loopgate.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code loopgate env}: the proxy settings that make {@code *.localhost} names work for every HTTP client. */
@Command(
        name = "env",
        mixinStandardHelpOptions = true,
        description = "Print proxy settings so that non-browser clients reach *.localhost through loopgate:"
                + " eval \"$(loopgate env)\"")
final class EnvCommand implements Callable<Integer> {
    @Mixin
    GlobalOptions global;

    @Option(names = "--shell", defaultValue = "bash", description = "bash (also zsh, sh), fish or powershell.")
    String shell;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (!shell.matches("bash|zsh|sh|fish|powershell")) {
            return Cli.fail(spec, "--shell must be bash, zsh, sh, fish or powershell");
        }
        try {
            AdminClient client = global.client();
            Map<String, String> env =
                    ProxyEnv.withTrust(ProxyEnv.variables(client.gateway().toString()), global.stateDir());
            spec.commandLine().getOut().print(ProxyEnv.render(env, shell));
            spec.commandLine().getOut().flush();
            return 0;
        } catch (AdminClient.Unreachable e) {
            return Cli.fail(spec, e.getMessage());
        } catch (java.io.IOException | java.security.GeneralSecurityException e) {
            return Cli.fail(spec, "cannot write the CA bundle: " + e.getMessage());
        }
    }
}
