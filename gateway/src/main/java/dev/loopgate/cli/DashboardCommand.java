package dev.loopgate.cli;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code loopgate dashboard}: prints, and tries to open, a one-time URL that signs a browser in to the dashboard. */
@Command(
        name = "dashboard",
        mixinStandardHelpOptions = true,
        description = "Print (and open) a one-time link that signs your browser in to the dashboard.")
final class DashboardCommand implements Callable<Integer> {
    @Mixin
    GlobalOptions global;

    @Option(names = "--no-open", description = "Only print the link; do not start a browser.")
    boolean noOpen;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        try {
            AdminClient.Reply reply = global.client().post("/api/v1/login-codes");
            if (!reply.ok()) {
                return Cli.fail(spec, reply.error());
            }
            String url = reply.body().get("url").asText();
            var out = spec.commandLine().getOut();
            out.println("Open this link to sign in to the dashboard (it works once, within "
                    + reply.body().get("expires_in_seconds").asLong() / 60 + " minutes):");
            out.println("  " + url);
            out.flush();
            if (!noOpen) {
                open(url, System.getenv());
            }
            return 0;
        } catch (AdminClient.Unreachable e) {
            return Cli.fail(spec, e.getMessage());
        }
    }

    /** Starts the user's browser where there is one to start; a link on the terminal is enough otherwise. */
    static void open(String url, Map<String, String> env) {
        List<String> command = opener(env, System.getProperty("os.name", ""));
        if (command == null) {
            return;
        }
        try {
            List<String> full = new java.util.ArrayList<>(command);
            full.add(url);
            new ProcessBuilder(full)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            // Printing the link already did the job.
        }
    }

    static List<String> opener(Map<String, String> env, String os) {
        String browser = env.get("BROWSER");
        if (browser != null && !browser.isBlank()) {
            return List.of(browser.trim());
        }
        if (os.startsWith("Mac")) {
            return List.of("open");
        }
        if (os.startsWith("Windows")) {
            return List.of("rundll32", "url.dll,FileProtocolHandler");
        }
        boolean desktop = env.containsKey("DISPLAY") || env.containsKey("WAYLAND_DISPLAY");
        return desktop
                        && dev.loopgate.Executables.find("xdg-open", env.getOrDefault("PATH", ""))
                                .isPresent()
                ? List.of("xdg-open")
                : null;
    }
}
