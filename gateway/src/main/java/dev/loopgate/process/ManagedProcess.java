package dev.loopgate.process;

import dev.loopgate.config.Durations;
import dev.loopgate.config.ProcessConfig;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One service's command: started when asked, watched until it is ready, restarted as its policy says, and stopped
 * whole (its process group). Every change runs on the supervisor's thread; what it reports is read from anywhere.
 */
final class ManagedProcess {
    /** What the command is doing, as {@code /api/v1/services} shows it. */
    enum State {
        STOPPED,
        STARTING,
        RUNNING,
        CRASHED;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** What the supervisor does when the command's readiness changes. */
    interface Hooks {
        void ready(String service);

        void down(String service, String reason);

        void groupsChanged();

        /** Requests waiting for the command get their answer now: it exited, failed to start or is late. */
        void answerWaiting(String service);
    }

    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /** Exits within {@link #CRASH_WINDOW} that make a crash loop: no more automatic restarts. */
    static final int CRASH_LOOP = 5;

    static final Duration CRASH_WINDOW = Duration.ofMinutes(1);
    private static final long READY_POLL_MILLIS = 100;

    private final String service;
    private final int port;
    private final ProcessThread executor;
    private final Hooks hooks;
    private final Clock clock;
    private final long firstBackoffMillis;
    private final OutputLog output = new OutputLog();
    private final AtomicInteger holds = new AtomicInteger();
    private final Deque<Instant> recentExits = new ArrayDeque<>();

    private volatile ProcessConfig config;
    private volatile State state = State.STOPPED;
    private volatile ProcessGroup group;
    private volatile Instant startedAt;
    private volatile Integer exitCode;
    private volatile int restarts;
    private volatile String problem;
    private volatile long lastActivityNanos = System.nanoTime();

    private boolean stopping;
    private Runnable afterStop;
    private ScheduledFuture<?> pendingRestart;
    private int failuresInARow;
    private List<Thread> pumps = List.of();

    ManagedProcess(String service, int port, ProcessConfig config, ProcessThread executor, Hooks hooks, Clock clock) {
        this(service, port, config, executor, hooks, clock, FIRST_BACKOFF.toMillis());
    }

    /** With another first back-off (tests: the crash loop within seconds, not a quarter of a minute). */
    ManagedProcess(
            String service,
            int port,
            ProcessConfig config,
            ProcessThread executor,
            Hooks hooks,
            Clock clock,
            long firstBackoffMillis) {
        this.firstBackoffMillis = firstBackoffMillis;
        this.service = service;
        this.port = port;
        this.config = config;
        this.executor = executor;
        this.hooks = hooks;
        this.clock = clock;
    }

    /** A request arrived: counts as activity, and starts a command that is not running. Any thread. */
    boolean demand() {
        lastActivityNanos = System.nanoTime();
        State s = state;
        if (s == State.STOPPED || s == State.CRASHED) {
            executor.execute(() -> start("asked for by a request"));
        }
        return s == State.RUNNING;
    }

    /** A tunnel (WebSocket) is open: the service is in use until the returned handle runs. */
    Runnable hold() {
        holds.incrementAndGet();
        lastActivityNanos = System.nanoTime();
        return () -> {
            holds.decrementAndGet();
            lastActivityNanos = System.nanoTime();
        };
    }

    void start(String why) {
        if (state == State.STARTING || state == State.RUNNING) {
            return;
        }
        cancelPendingRestart();
        ProcessConfig c = config;
        String command = c.command().replace("{port}", Integer.toString(port));
        output.append("loopgate", "starting `" + command + "` in " + c.dir() + " on port " + port + " (" + why + ")");
        if (!Files.isDirectory(c.dir())) {
            failToStart("cannot start: its folder " + c.dir() + " does not exist (see 'dir' in the config file)");
            return;
        }
        ProcessBuilder pb = new ProcessBuilder(shell(), "-c", command)
                .directory(c.dir().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().putAll(c.env());
        pb.environment().put("PORT", Integer.toString(port));
        ProcessGroup g;
        try {
            g = ProcessGroup.start(pb);
        } catch (IOException e) {
            failToStart("cannot start: " + e.getMessage());
            return;
        }
        group = g;
        state = State.STARTING;
        startedAt = clock.instant();
        problem = null;
        stopping = false;
        lastActivityNanos = System.nanoTime();
        hooks.groupsChanged();
        pumps = List.of(
                OutputPump.start(service, g.stdout(), "stdout", output),
                OutputPump.start(service, g.stderr(), "stderr", output));
        g.onExit().whenComplete((p, err) -> executor.execute(() -> exited(g)));
        long deadline = System.nanoTime() + c.readyTimeout().toNanos();
        executor.schedule(() -> checkReady(g, deadline), READY_POLL_MILLIS);
    }

    private void failToStart(String why) {
        problem = why;
        state = State.CRASHED;
        output.append("loopgate", why);
        hooks.down(service, why);
        hooks.answerWaiting(service);
    }

    private void checkReady(ProcessGroup g, long deadline) {
        if (group != g || state != State.STARTING) {
            return;
        }
        ProcessConfig c = config;
        if (Readiness.ready(port, c.readyPath())) {
            state = State.RUNNING;
            lastActivityNanos = System.nanoTime();
            problem = null;
            output.append(
                    "loopgate",
                    "ready on port " + port + " after "
                            + Durations.format(
                                    Duration.between(startedAt, clock.instant()).withNanos(0)));
            hooks.ready(service);
            return;
        }
        long next = READY_POLL_MILLIS;
        if (System.nanoTime() > deadline) {
            if (problem == null) {
                problem = "did not "
                        + (c.readyPath() == null
                                ? "accept connections on port " + port
                                : "answer GET " + c.readyPath() + " on port " + port + " below 500")
                        + " within " + Durations.format(c.readyTimeout())
                        + "; does it listen on the port loopgate gives it ({port} or $PORT)?";
                output.append("loopgate", problem);
                hooks.answerWaiting(service);
            }
            next = 1000; // keep looking, less often: a slow first build may still finish
        }
        executor.schedule(() -> checkReady(g, deadline), next);
    }

    private void exited(ProcessGroup g) {
        if (group != g) {
            return;
        }
        int code = g.exitCode();
        awaitLastOutput();
        group = null;
        exitCode = code;
        boolean wasReady = state == State.RUNNING;
        // What the command left in its group (a wrapper's server) goes with it.
        if (g.anyAlive()) {
            g.signal("TERM");
            executor.schedule(() -> killLeftovers(g), ProcessGroup.GRACE.toMillis());
        }
        hooks.groupsChanged();
        if (stopping) {
            stopping = false;
            state = State.STOPPED;
            output.append("loopgate", "stopped");
            hooks.down(service, "stopped by loopgate");
            Runnable next = afterStop;
            afterStop = null;
            if (next != null) {
                next.run(); // a restart: whoever waits, waits for the new command
            } else {
                hooks.answerWaiting(service);
            }
            return;
        }
        String how = how(code);
        output.append("loopgate", how);
        problem = how;
        state = code == 0 ? State.STOPPED : State.CRASHED;
        hooks.down(service, problem);
        hooks.answerWaiting(service);
        failuresInARow =
                wasReady && Duration.between(startedAt, clock.instant()).compareTo(CRASH_WINDOW) > 0
                        ? 1
                        : failuresInARow + 1;
        restartIfPolicySays(code);
    }

    private void restartIfPolicySays(int code) {
        ProcessConfig.Restart policy = config.restart();
        if (policy == ProcessConfig.Restart.NO || policy == ProcessConfig.Restart.ON_FAILURE && code == 0) {
            return;
        }
        Instant now = clock.instant();
        recentExits.addLast(now);
        while (!recentExits.isEmpty() && recentExits.peekFirst().isBefore(now.minus(CRASH_WINDOW))) {
            recentExits.removeFirst();
        }
        if (recentExits.size() >= CRASH_LOOP) {
            problem = how(code) + " and is in a crash loop (" + recentExits.size() + " exits within "
                    + Durations.format(CRASH_WINDOW) + "); it starts again when it is asked for";
            output.append("loopgate", problem);
            recentExits.clear();
            return;
        }
        long delay = Math.min(MAX_BACKOFF.toMillis(), firstBackoffMillis << Math.min(failuresInARow - 1, 5));
        output.append("loopgate", "restarting in " + Durations.format(Duration.ofMillis(delay)));
        ScheduledFuture<?>[] self = new ScheduledFuture<?>[1];
        self[0] = executor.schedule(
                () -> {
                    if (pendingRestart != self[0]) {
                        return; // cancelled after it fired: someone started or stopped it meanwhile
                    }
                    pendingRestart = null;
                    restarts++;
                    start("restart " + restarts + " after it " + (code == 0 ? "exited" : "failed"));
                },
                delay);
        pendingRestart = self[0];
    }

    /**
     * Lets the output pumps take in what the command wrote just before it exited, so that the page explaining the
     * exit shows it. Bounded: a server the command left behind may hold the pipes open.
     */
    private void awaitLastOutput() {
        for (Thread t : pumps) {
            try {
                t.join(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static String how(int code) {
        return code > 128 ? "was killed by signal " + (code - 128) : "exited with status " + code;
    }

    private void killLeftovers(ProcessGroup g) {
        if (g.anyAlive()) {
            g.signal("KILL");
        }
    }

    /** TERM to the group, KILL after the grace period; {@code then} runs once it is gone (or at once if stopped). */
    void stop(String why, Runnable then) {
        cancelPendingRestart();
        ProcessGroup g = group;
        if (g == null) {
            if (state == State.CRASHED && problem == null) {
                state = State.STOPPED;
            }
            if (then != null) {
                then.run();
            }
            return;
        }
        if (!stopping) {
            output.append("loopgate", "stopping (" + why + ")");
        }
        stopping = true;
        afterStop = then;
        g.signal("TERM");
        executor.schedule(() -> killLeftovers(g), ProcessGroup.GRACE.toMillis());
    }

    void restart(String why) {
        stop(why, () -> start(why));
    }

    /**
     * Stops a ready command nobody asked for in {@code idleStop}; {@code inUse} counts requests in progress and
     * waiting, and open tunnels count too. One that is still starting is never idle: someone asked for it.
     */
    void stopIfIdle(int inUse) {
        Duration idle = config.idleStop();
        if (idle == null || state != State.RUNNING || stopping) {
            return;
        }
        long now = System.nanoTime();
        if (inUse > 0 || holds.get() > 0) {
            lastActivityNanos = now;
            return;
        }
        if (now - lastActivityNanos >= idle.toNanos()) {
            stop("idle for " + Durations.format(idle), null);
        }
    }

    /** A changed config: a different command, folder or environment restarts a running command. */
    void reconfigure(ProcessConfig next) {
        ProcessConfig before = config;
        config = next;
        if (!next.sameLaunch(before) && (state == State.STARTING || state == State.RUNNING)) {
            restart("its command changed in the config file");
        }
    }

    private void cancelPendingRestart() {
        if (pendingRestart != null) {
            pendingRestart.cancel(false);
            pendingRestart = null;
        }
    }

    private static String shell() {
        String shell = System.getenv("SHELL");
        return shell != null && !shell.isBlank() && new File(shell).canExecute() ? shell : "/bin/sh";
    }

    String service() {
        return service;
    }

    int port() {
        return port;
    }

    OutputLog output() {
        return output;
    }

    ProcessGroup group() {
        return group;
    }

    /** What {@code /api/v1/services} and the pages show; any thread. */
    ProcessStatus status() {
        ProcessGroup g = group;
        return new ProcessStatus(
                state.label(),
                g == null ? null : g.pid(),
                startedAt,
                exitCode,
                restarts,
                port,
                config.command().replace("{port}", Integer.toString(port)),
                problem,
                config.readyTimeout());
    }
}
