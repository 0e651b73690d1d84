package dev.loopgate.cli;

import dev.loopgate.ConfigLocation;
import dev.loopgate.Gateway;
import dev.loopgate.StateDir;
import dev.loopgate.config.ConfigException;
import dev.loopgate.proxy.StartException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code loopgate serve}: start the gateway and run until SIGTERM or SIGINT, then drain and exit 0. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Start the gateway.")
final class ServeCommand implements Callable<Integer> {
    static final int EXIT_CONFIG = 2;
    static final int EXIT_LISTEN = 3;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "Config file (default: config/loopgate.yaml in a"
                    + " checkout, else $XDG_CONFIG_HOME/loopgate/loopgate.yaml; none is fine).")
    Path config;

    @Option(
            names = "--port",
            paramLabel = "N",
            description = "Port to listen on (default 80, falling back to 8080"
                    + " without privileges; an explicit port never falls back).")
    Integer port;

    @Option(
            names = "--https-port",
            paramLabel = "N",
            description = "HTTPS port (default 443, falling back to 8443 without privileges, and off with a note"
                    + " when taken; 0 turns HTTPS off; an explicit port never falls back).")
    Integer httpsPort;

    @Option(names = "--bind", paramLabel = "ADDR", description = "Address to listen on (default 127.0.0.1).")
    String bind;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "Where gateway.json and the token live.")
    Path stateDir;

    @Override
    public Integer call() {
        Map<String, String> env = System.getenv();
        if (port != null && (port < 0 || port > 65535)) {
            System.err.println("loopgate: --port must be 0–65535, got " + port);
            return EXIT_CONFIG;
        }
        if (httpsPort != null && (httpsPort < 0 || httpsPort > 65535)) {
            System.err.println("loopgate: --https-port must be 0–65535 (0 turns HTTPS off), got " + httpsPort);
            return EXIT_CONFIG;
        }
        String bindOverride = bind != null ? bind : env.get("LOOPGATE_LISTEN");
        Path configFile = ConfigLocation.resolve(config, env, Paths.get("").toAbsolutePath());
        Gateway gateway;
        try {
            gateway = Gateway.start(new Gateway.Options(
                    configFile,
                    bindOverride,
                    port,
                    StateDir.resolve(stateDir, env),
                    Duration.ofMillis(500),
                    httpsPort));
        } catch (ConfigException e) {
            System.err.println("loopgate: the config has errors, nothing was started:");
            e.problems().forEach(p -> System.err.println("  " + p));
            return EXIT_CONFIG;
        } catch (StartException e) {
            System.err.println("loopgate: " + e.getMessage());
            return EXIT_LISTEN;
        } catch (IllegalArgumentException e) {
            System.err.println("loopgate: " + e.getMessage());
            return EXIT_CONFIG;
        }
        System.out.print(gateway.banner());
        System.out.flush();
        awaitStopSignal();
        System.out.println("loopgate: stopping; finishing in-flight requests");
        gateway.close();
        return 0;
    }

    /** Blocks until SIGTERM or SIGINT. Handling the signals ourselves lets the drain finish and the exit code be 0. */
    private static void awaitStopSignal() {
        CountDownLatch stop = new CountDownLatch(1);
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), s -> stop.countDown());
            } catch (IllegalArgumentException e) {
                // this platform has no such signal
            }
        }
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
