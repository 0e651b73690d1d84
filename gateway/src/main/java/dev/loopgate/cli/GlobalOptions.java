package dev.loopgate.cli;

import dev.loopgate.StateDir;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every client command takes: where the gateway is and where its state lives. */
final class GlobalOptions {
    @Option(
            names = "--gateway",
            paramLabel = "URL",
            description = "The gateway's address, e.g. http://127.0.0.1:8080 (default: $LOOPGATE_URL, else the"
                    + " running gateway's gateway.json).")
    String gateway;

    @Option(
            names = "--state-dir",
            paramLabel = "DIR",
            description = "Where gateway.json and the token live"
                    + " (default: $LOOPGATE_STATE_DIR, else $XDG_STATE_HOME/loopgate, else ~/.local/state/loopgate).")
    Path stateDir;

    AdminClient client() throws AdminClient.Unreachable {
        return AdminClient.locate(gateway, StateDir.resolve(stateDir, System.getenv()), System.getenv());
    }
}
