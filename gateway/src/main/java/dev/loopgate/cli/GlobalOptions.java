package dev.loopgate.cli;

import dev.loopgate.StateDir;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Options every client command takes: where the gateway is and where its state lives. They are accepted before the
 * subcommand too ({@code loopgate --gateway URL ls}), as users of git or docker expect; given in both places, the
 * one after the subcommand wins.
 */
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

    /** The command this mixin is part of: a subcommand, or the root. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    AdminClient client() throws AdminClient.Unreachable {
        GlobalOptions root = root();
        String gw = gateway != null ? gateway : root == null ? null : root.gateway;
        Path dir = stateDir != null ? stateDir : root == null ? null : root.stateDir;
        return AdminClient.locate(gw, StateDir.resolve(dir, System.getenv()), System.getenv());
    }

    /** Where state lives: {@code --state-dir}, else the environment's or the default. */
    StateDir stateDir() {
        GlobalOptions root = root();
        Path dir = stateDir != null ? stateDir : root == null ? null : root.stateDir;
        return StateDir.resolve(dir, System.getenv());
    }

    /** The same options as given before the subcommand, or {@code null} when this is the root. */
    private GlobalOptions root() {
        if (mixee == null || mixee.parent() == null) {
            return null;
        }
        CommandSpec mixin = mixee.parent().mixins().get("global");
        return mixin == null ? null : (GlobalOptions) mixin.userObject();
    }
}
