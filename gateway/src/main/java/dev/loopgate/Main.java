package dev.loopgate;

import dev.loopgate.cli.LoopgateCommand;

/** The {@code loopgate} command. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(LoopgateCommand.commandLine().execute(args));
    }
}
