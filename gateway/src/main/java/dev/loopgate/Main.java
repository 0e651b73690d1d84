package dev.loopgate;

import dev.loopgate.cli.LoopgateCommand;

/** The {@code loopgate} command. */
public final class Main {
    static final String LEAK_DETECTION = "io.netty.leakDetection.level";

    private Main() {}

    public static void main(String[] args) {
        leakDetectorOffUnlessAsked();
        System.exit(LoopgateCommand.commandLine(args).execute(args));
    }

    /**
     * Netty samples one buffer in 128 for its leak detector by default and records a stack trace for each: a cost on
     * every exchange that only Netty's developers can act on. Tests and anyone debugging set the property themselves
     * (-Dio.netty.leakDetection.level=paranoid in LOOPGATE_JAVA_OPTS). Netty reads it once, so this runs first.
     */
    static void leakDetectorOffUnlessAsked() {
        if (System.getProperty(LEAK_DETECTION) == null) {
            System.setProperty(LEAK_DETECTION, "disabled");
        }
    }
}
