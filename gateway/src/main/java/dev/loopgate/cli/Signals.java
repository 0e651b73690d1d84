package dev.loopgate.cli;

import java.io.IOException;

/** Passes SIGINT and SIGTERM sent to {@code loopgate run} on to the command it runs. */
final class Signals {
    private Signals() {}

    static void forward(Process child) {
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), s -> send(child, name));
            } catch (IllegalArgumentException e) {
                // this platform has no such signal
            }
        }
    }

    private static void send(Process child, String signal) {
        if (!child.isAlive()) {
            return;
        }
        try {
            new ProcessBuilder("kill", "-s", signal, Long.toString(child.pid()))
                    .inheritIO()
                    .start();
        } catch (IOException e) {
            child.destroy();
        }
    }
}
