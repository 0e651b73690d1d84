package dev.loopgate.process;

import dev.loopgate.config.BackendUrl;
import dev.loopgate.config.GatewayConfig;
import dev.loopgate.config.ServiceConfig;
import dev.loopgate.diagnostics.FreePort;
import dev.loopgate.health.BackendState;
import dev.loopgate.health.BackendStates;
import dev.loopgate.routing.RouteTable;
import dev.loopgate.routing.ServiceEntry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the commands of the services the config file gives one: keeps each service's port, starts commands on the
 * first request (or with the gateway), stops idle ones, follows config changes, and stops everything when the
 * gateway stops. All lifecycle work runs on one thread of its own ({@link ProcessThread}); the proxy's event loops
 * only hand it requests, which never block.
 */
public final class Supervisor implements OnDemand, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Supervisor.class);

    private final BackendStates states;
    private final ProcessRecords records;
    private final Clock clock;
    private final ProcessThread executor = new ProcessThread();
    private final Map<String, ManagedProcess> processes = new ConcurrentHashMap<>();
    private final Map<String, Integer> ports = new ConcurrentHashMap<>();
    private final Map<String, Set<Waiter>> giveUps = new ConcurrentHashMap<>();

    private record Waiter(Executor executor, Runnable callback) {}

    private Supervisor(BackendStates states, ProcessRecords records, Clock clock) {
        this.states = states;
        this.records = records;
        this.clock = clock;
    }

    /**
     * A supervisor recording its process groups in {@code stateDir}; first it stops what a previous gateway that did
     * not exit cleanly left running there.
     */
    public static Supervisor start(Path stateDir, BackendStates states, Clock clock) throws InterruptedException {
        ProcessRecords records = new ProcessRecords(stateDir.resolve("processes.json"));
        records.stopLeftovers(ProcessGroup.GRACE);
        Supervisor s = new Supervisor(states, records, clock);
        s.executor.every(s::stopIdle, 1000);
        return s;
    }

    /**
     * The config with a port for every command that has none: kept per service name for as long as the gateway
     * runs, so a reload or restart of the command does not move it.
     */
    public GatewayConfig assignPorts(GatewayConfig config) {
        Map<String, ServiceConfig> out = new LinkedHashMap<>();
        for (ServiceConfig s : config.services().values()) {
            if (s.process() != null && s.backends().isEmpty()) {
                int port = ports.computeIfAbsent(s.name(), Supervisor::freePort);
                out.put(s.name(), s.withBackends(List.of(BackendUrl.localhost(port))));
            } else {
                out.put(s.name(), s);
            }
        }
        return config.withServices(out);
    }

    private static int freePort(String service) {
        try {
            return FreePort.belowEphemeralRange();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("no free loopback port for " + service, e);
        }
    }

    /** Follows a new route table: new commands are taken on (and started if {@code autostart}), gone ones stopped. */
    public synchronized void reconcile(RouteTable table) {
        Map<String, ServiceEntry> wanted = new HashMap<>();
        table.services().values().stream()
                .filter(s ->
                        s.config().process() != null && !s.config().backends().isEmpty())
                .forEach(s -> wanted.put(s.name(), s));
        for (Map.Entry<String, ServiceEntry> e : wanted.entrySet()) {
            ServiceConfig config = e.getValue().config();
            int port = config.backends().get(0).port();
            ManagedProcess existing = processes.get(e.getKey());
            if (existing != null && existing.port() != port) {
                processes.remove(e.getKey());
                ManagedProcess moved = existing;
                executor.execute(() -> moved.stop("its port changed in the config file", null));
                existing = null;
            }
            if (existing == null) {
                ManagedProcess p = new ManagedProcess(e.getKey(), port, config.process(), executor, hooks(), clock);
                processes.put(e.getKey(), p);
                if (config.process().autostart()) {
                    executor.execute(() -> p.start("autostart"));
                }
            } else {
                ManagedProcess p = existing;
                executor.execute(() -> p.reconfigure(config.process()));
            }
        }
        for (String gone : Set.copyOf(processes.keySet())) {
            if (!wanted.containsKey(gone)) {
                ManagedProcess p = processes.remove(gone);
                executor.execute(() -> p.stop("it is no longer in the config file", null));
            }
        }
    }

    private ManagedProcess.Hooks hooks() {
        return new ManagedProcess.Hooks() {
            @Override
            public void ready(String service) {
                ManagedProcess p = processes.get(service);
                if (p != null) {
                    states.markUp(service, BackendUrl.localhost(p.port()).id());
                }
            }

            @Override
            public void down(String service, String reason) {
                ManagedProcess p = processes.get(service);
                if (p != null) {
                    states.markStopped(service, BackendUrl.localhost(p.port()).id(), reason);
                }
            }

            @Override
            public void groupsChanged() {
                saveRecords();
            }

            @Override
            public void answerWaiting(String service) {
                Set<Waiter> set = giveUps.remove(service);
                if (set != null) {
                    set.forEach(w -> {
                        try {
                            w.executor().execute(w.callback());
                        } catch (RejectedExecutionException e) {
                            // its event loop is shutting down
                        }
                    });
                }
            }
        };
    }

    private void saveRecords() {
        Map<String, ProcessRecords.Entry> running = new LinkedHashMap<>();
        processes.values().forEach(p -> {
            ProcessGroup g = p.group();
            if (g != null) {
                running.put(
                        p.service(),
                        new ProcessRecords.Entry(
                                p.service(), g.pid(), g.startedAt().orElse(clock.instant())));
            }
        });
        records.save(running);
    }

    private void stopIdle() {
        processes.values().forEach(p -> {
            BackendState s =
                    states.get(p.service(), BackendUrl.localhost(p.port()).id());
            p.stopIfIdle(s == null ? 0 : s.inFlight());
        });
    }

    @Override
    public boolean demand(String service) {
        ManagedProcess p = processes.get(service);
        return p == null || p.demand();
    }

    @Override
    public ProcessStatus status(String service) {
        ManagedProcess p = processes.get(service);
        return p == null ? null : p.status();
    }

    @Override
    public Tail tail(String service, int n) {
        ManagedProcess p = processes.get(service);
        if (p == null) {
            return new Tail(List.of(), 0);
        }
        List<OutputLog.Line> lines = p.output().tail(n);
        return new Tail(
                lines.stream().map(l -> OutputLog.plain(l.text())).toList(),
                lines.isEmpty() ? 0 : lines.get(lines.size() - 1).seq());
    }

    /** The command's output log, for the API; {@code null} when loopgate runs none for {@code service}. */
    public OutputLog output(String service) {
        ManagedProcess p = processes.get(service);
        return p == null ? null : p.output();
    }

    @Override
    public Runnable onGiveUp(String service, Executor executor, Runnable callback) {
        Set<Waiter> set = giveUps.computeIfAbsent(service, s -> ConcurrentHashMap.newKeySet());
        Waiter w = new Waiter(executor, callback);
        set.add(w);
        return () -> set.remove(w);
    }

    @Override
    public Runnable follow(String service, long after, Consumer<String> line) {
        ManagedProcess p = processes.get(service);
        return p == null ? () -> {} : p.output().follow(after, l -> line.accept(OutputLog.plain(l.text())));
    }

    @Override
    public Runnable hold(String service) {
        ManagedProcess p = processes.get(service);
        return p == null ? () -> {} : p.hold();
    }

    /** What {@code loopgate start|stop|restart} asked for. */
    public enum Action {
        START,
        STOP,
        RESTART
    }

    /** Carries out {@code action}; the status before it took effect, or {@code null} for a service without command. */
    public ProcessStatus act(String service, Action action) {
        ManagedProcess p = processes.get(service);
        if (p == null) {
            return null;
        }
        executor.execute(() -> {
            switch (action) {
                case START -> p.start("loopgate start");
                case STOP -> p.stop("loopgate stop", null);
                case RESTART -> p.restart("loopgate restart");
            }
        });
        return p.status();
    }

    /**
     * Whether health checks apply to {@code service} now: for a command loopgate runs, only once it is ready (until
     * then loopgate's own readiness check decides, with the command's {@code ready} settings).
     */
    public boolean probed(String service) {
        ManagedProcess p = processes.get(service);
        return p == null || p.status().state().equals("running");
    }

    /** Whether loopgate runs a command for {@code service}. */
    public boolean runs(String service) {
        return processes.containsKey(service);
    }

    /** Stops every command (TERM to each group, KILL after the grace period) and waits until they are gone. */
    @Override
    public void close() {
        try {
            List<ProcessGroup> groups = executor.call(
                    () -> {
                        List<ProcessGroup> running = processes.values().stream()
                                .map(ManagedProcess::group)
                                .filter(java.util.Objects::nonNull)
                                .toList();
                        processes.values().forEach(p -> p.stop("loopgate is stopping", null));
                        return running;
                    },
                    5000);
            // Not done when the commands exit: what they started in their groups must be gone too.
            long deadline = System.nanoTime() + ProcessGroup.GRACE.toNanos();
            while (groups.stream().anyMatch(ProcessGroup::anyAlive) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            groups.stream().filter(ProcessGroup::anyAlive).forEach(g -> g.signal("KILL"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn("stopping the services' commands: {}", e.toString());
        }
        executor.shutdown();
        records.save(Map.of());
    }
}
