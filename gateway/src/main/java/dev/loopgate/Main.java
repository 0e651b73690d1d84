package dev.loopgate;

import dev.loopgate.cli.LoopgateCommand;

/** The {@code loopgate} command. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        // Netty samples one buffer in 128 for its leak detector by default and records a stack trace for each: a
        // cost on every exchange that only Netty's developers can act on. Tests and anyone debugging set the
        // property themselves (-Dio.netty.leakDetection.level=paranoid in LOOPGATE_JAVA_OPTS).
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            System.setProperty("io.netty.leakDetection.level", "disabled");
        }
        System.exit(LoopgateCommand.commandLine(args).execute(args));
    }
}
