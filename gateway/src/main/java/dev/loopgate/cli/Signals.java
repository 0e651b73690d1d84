package dev.loopgate.cli;

/**
 * Passes SIGINT and SIGTERM sent to {@code loopgate run} on to the whole process group of the command it runs, and
 * kills what is left of it after a grace period.
 */
final class Signals {
    private Signals() {}

    static void forward(ProcessGroup group) {
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), s -> stopInBackground(group, name));
            } catch (IllegalArgumentException e) {
                // this platform has no such signal
            }
        }
    }

    private static void stopInBackground(ProcessGroup group, String signal) {
        Thread t = new Thread(
                () -> {
                    try {
                        group.stop(signal, ProcessGroup.GRACE);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "loopgate-stop-" + signal);
        t.setDaemon(true);
        t.start();
    }
}
