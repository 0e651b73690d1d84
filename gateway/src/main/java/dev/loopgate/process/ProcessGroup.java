package dev.loopgate.process;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A command started in a process group of its own, so that it can be stopped whole. A dev server is often a wrapper
 * ({@code npx vite}, {@code npm run dev}, {@code bash -c 'server &'}): signalling only the direct child leaves the
 * real server running. Stopping sends TERM to the group, then KILL to what is left after a grace period.
 *
 * <p>Java cannot call {@code setpgid}, so the command starts through a few lines of Perl (present wherever a shell
 * is: Debian's perl-base is essential, macOS ships it) that make a new group and then {@code exec} the command — its
 * pid stays the one Java knows. When loopgate runs in the foreground of a terminal, the new group takes the
 * terminal's foreground too, as a shell does for a job: Ctrl-C reaches the dev server and everything it started,
 * and a dev server that reads the terminal (Vite's shortcuts) is not stopped for reading from the background.
 * Without Perl the command starts as a plain child, and stopping signals it and its descendants.
 */
public final class ProcessGroup {
    public static final Duration GRACE = Duration.ofSeconds(5);

    private static final String GROUP_LEADER = "use POSIX;"
            + " my $fg = -t STDIN && POSIX::tcgetpgrp(0) == getpgrp();"
            + " setpgid(0, 0) or die \"loopgate: cannot start a process group: $!\\n\";"
            + " if ($fg) { local $SIG{TTOU} = 'IGNORE'; POSIX::tcsetpgrp(0, getpgrp()); }"
            + " exec { $ARGV[0] } @ARGV or die \"loopgate: cannot run $ARGV[0]: $!\\n\";";

    private final Process leader;
    private final boolean grouped;

    private ProcessGroup(Process leader, boolean grouped) {
        this.leader = leader;
        this.grouped = grouped;
    }

    /** Starts {@code pb}'s command as the leader of a new process group (where Perl is available). */
    public static ProcessGroup start(ProcessBuilder pb) throws IOException {
        String perl =
                dev.loopgate.Executables.find("perl").map(Object::toString).orElse(null);
        if (perl == null) {
            return new ProcessGroup(pb.start(), false);
        }
        List<String> wrapped = new ArrayList<>(List.of(perl, "-e", GROUP_LEADER));
        wrapped.addAll(pb.command());
        List<String> original = pb.command();
        pb.command(wrapped);
        try {
            return new ProcessGroup(pb.start(), true);
        } finally {
            pb.command(original);
        }
    }

    public long pid() {
        return leader.pid();
    }

    /** Completes when the leader (the command itself) exits; what it left in the group may still run. */
    public java.util.concurrent.CompletableFuture<Process> onExit() {
        return leader.onExit();
    }

    public java.io.InputStream stdout() {
        return leader.getInputStream();
    }

    public java.io.InputStream stderr() {
        return leader.getErrorStream();
    }

    /** The command's exit status; only once {@link #onExit} completed. */
    public int exitCode() {
        return leader.exitValue();
    }

    /** When the command started, as the OS records it (to recognise this process again after a restart). */
    public java.util.Optional<java.time.Instant> startedAt() {
        return leader.toHandle().info().startInstant();
    }

    public int waitFor() throws InterruptedException {
        return leader.waitFor();
    }

    /** Sends {@code signal} (e.g. {@code TERM}) to the whole group. */
    public void signal(String signal) {
        if (grouped) {
            kill(signal, "-" + leader.pid());
            return;
        }
        List<ProcessHandle> all = new ArrayList<>(leader.descendants().toList());
        all.add(0, leader.toHandle());
        all.forEach(p -> kill(signal, Long.toString(p.pid())));
    }

    /** Whether anything of the group still runs (the leader, or what it left behind). */
    public boolean anyAlive() {
        if (grouped) {
            return kill("0", "-" + leader.pid());
        }
        return leader.isAlive() || leader.descendants().anyMatch(ProcessHandle::isAlive);
    }

    /**
     * {@code first} (TERM, or the INT the user sent) to the group, then KILL to whatever still runs after
     * {@code grace}. Returns once the group is empty, or after the KILL.
     */
    public void stop(String first, Duration grace) throws InterruptedException {
        if (!anyAlive()) {
            return;
        }
        signal(first);
        long deadline = System.nanoTime() + grace.toNanos();
        while (anyAlive() && System.nanoTime() < deadline) {
            // Not leader.waitFor: once the leader is gone it returns at once, and this loop would start a kill
            // process after another for the whole grace period while what it left behind lingers.
            Thread.sleep(50);
        }
        if (anyAlive()) {
            signal("KILL");
            leader.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Sends {@code signal} to process group {@code pgid}; whether any process received it. */
    static boolean signalGroup(long pgid, String signal) {
        return kill(signal, "-" + pgid);
    }

    private static boolean kill(String signal, String target) {
        try {
            Process p = new ProcessBuilder("kill", "-s", signal.equals("0") ? "0" : signal, "--", target)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
