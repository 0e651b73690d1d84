package dev.loopgate.health;

import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * The health of every backend, keyed so that it survives route-table rebuilds: a reload or a new registration
 * does not forget that a backend is down.
 */
public final class HealthStates {
    private final ConcurrentHashMap<String, BackendHealth> states = new ConcurrentHashMap<>();
    private final Clock clock;
    private volatile BiConsumer<String, String> onPassiveDown = (key, reason) -> {};
    private final ConcurrentHashMap<String, java.util.Queue<Waiter>> waiters = new ConcurrentHashMap<>();

    private record Waiter(java.util.concurrent.Executor executor, Runnable callback) {}

    public HealthStates(Clock clock) {
        this.clock = clock;
    }

    public static String key(String service, String id) {
        return service + "/" + id;
    }

    public BackendHealth of(String service, String id) {
        return states.computeIfAbsent(key(service, id), k -> new BackendHealth());
    }

    /** Forgets backends that are no longer routed. */
    public void retain(Set<String> keys) {
        states.keySet().retainAll(keys);
    }

    /**
     * A request could not reach {@code service/id}: it is marked down at once, and the checker is asked to look
     * again soon so that it comes back as soon as it answers.
     */
    public void reportFailure(String service, String id, String reason) {
        BackendHealth h = of(service, id);
        if (h.markDown(reason, clock.instant())) {
            onPassiveDown.accept(key(service, id), reason);
        }
    }

    /**
     * Runs {@code callback} on {@code executor} once a backend of {@code service} is seen up (checked right away:
     * if one is up already, it runs at once). A waiter that no longer cares simply ignores the call.
     */
    public void awaitUp(
            String service,
            java.util.Collection<String> backendIds,
            java.util.concurrent.Executor executor,
            Runnable callback) {
        waiters.computeIfAbsent(service, s -> new java.util.concurrent.ConcurrentLinkedQueue<>())
                .add(new Waiter(executor, callback));
        for (String id : backendIds) {
            if (of(service, id).status() == BackendHealth.Status.UP) {
                serviceUp(service);
                return;
            }
        }
    }

    /** A backend of {@code service} turned up: everyone waiting for it is told, on their own executor. */
    public void serviceUp(String service) {
        java.util.Queue<Waiter> queue = waiters.get(service);
        if (queue == null) {
            return;
        }
        Waiter w;
        while ((w = queue.poll()) != null) {
            try {
                w.executor().execute(w.callback());
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // the waiter's event loop is shutting down
            }
        }
    }

    void onPassiveDown(BiConsumer<String, String> listener) {
        this.onPassiveDown = listener;
    }
}
