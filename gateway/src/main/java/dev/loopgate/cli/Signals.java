package dev.loopgate.cli;

import dev.loopgate.process.ProcessGroup;

/**
 * Passes SIGINT and SIGTERM sent to {@code loopgate run} on to the whole process group of the command it runs, and
 * kills what is left of it after a grace period.
 */
final class Signals {
    private final java.util.concurrent.atomic.AtomicReference<ProcessGroup> group =
            new java.util.concurrent.atomic.AtomicReference<>();
    private volatile String pending;

    private Signals() {}

    /**
     * Takes over SIGINT and SIGTERM before the command starts, so that one arriving while it starts is not lost
     * (the JVM's default would exit and leave the command running); it is passed on once {@link #started}.
     */
    static Signals install() {
        Signals signals = new Signals();
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), s -> signals.received(name));
            } catch (IllegalArgumentException e) {
                // this platform has no such signal
            }
        }
        return signals;
    }

    void started(ProcessGroup child) {
        group.set(child);
        String early = pending;
        if (early != null) {
            stopInBackground(child, early);
        }
    }

    private void received(String name) {
        ProcessGroup child = group.get();
        if (child == null) {
            pending = name;
            return;
        }
        stopInBackground(child, name);
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
