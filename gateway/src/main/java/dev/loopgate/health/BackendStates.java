package dev.loopgate.health;

import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * The run-time state of every backend ({@link BackendState}), keyed so that it survives route-table rebuilds: a
 * reload or a new registration does not forget that a backend is down, nor how busy it is. Entries are created when
 * a table that routes the backend is built and evicted by {@link #retain} when a table no longer does — both by the
 * registry, which builds the tables, so no entry is dropped that a current table still uses.
 */
public final class BackendStates {
    private final ConcurrentHashMap<String, BackendState> states = new ConcurrentHashMap<>();
    private final Clock clock;
    private volatile BiConsumer<String, String> onPassiveDown = (key, reason) -> {};
    private final ConcurrentHashMap<String, Set<Waiter>> waiters = new ConcurrentHashMap<>();

    /** One request (or event stream) waiting for a service; identity matters, so not a record. */
    private static final class Waiter {
        final java.util.concurrent.Executor executor;
        final Runnable callback;

        Waiter(java.util.concurrent.Executor executor, Runnable callback) {
            this.executor = executor;
            this.callback = callback;
        }
    }

    public BackendStates(Clock clock) {
        this.clock = clock;
    }

    public static String key(String service, String id) {
        return service + "/" + id;
    }

    public BackendState of(String service, String id) {
        return states.computeIfAbsent(key(service, id), k -> new BackendState());
    }

    /** The state of a routed backend, or {@code null} when no table routes it (any more). */
    public BackendState get(String service, String id) {
        return states.get(key(service, id));
    }

    /** Forgets backends that are no longer routed; called with the keys of the table just built. */
    public void retain(Set<String> keys) {
        states.keySet().retainAll(keys);
    }

    /**
     * A request could not reach {@code service/id}: it is marked down at once, and the checker is asked to look
     * again soon so that it comes back as soon as it answers.
     */
    public void reportFailure(String service, String id, String reason) {
        BackendState h = get(service, id);
        if (h != null && h.markDown(reason, clock.instant())) {
            onPassiveDown.accept(key(service, id), reason);
        }
    }

    /** A backend loopgate runs itself stopped or exited: down at once; loopgate knows why, so no probe is sent. */
    public void markStopped(String service, String id, String reason) {
        BackendState h = get(service, id);
        if (h != null) {
            h.markDown(reason, clock.instant());
        }
    }

    /**
     * A backend loopgate started itself is ready (its port accepts, or its ready path answers): up at once, and
     * whoever waits for the service is told.
     */
    public void markUp(String service, String id) {
        of(service, id).markUp(clock.instant());
        serviceUp(service);
    }

    /**
     * Runs {@code callback} on {@code executor} once a backend of {@code service} is seen up (checked right away:
     * if one is up already, it runs at once). The returned handle forgets the waiter: whoever stops waiting (a
     * timeout, a client gone) must call it, or the waiter — and the exchange and channel it holds — stays until the
     * service comes back, which may be never.
     */
    public Runnable awaitUp(
            String service,
            java.util.Collection<String> backendIds,
            java.util.concurrent.Executor executor,
            Runnable callback) {
        Set<Waiter> set = waiters.computeIfAbsent(service, s -> ConcurrentHashMap.newKeySet());
        Waiter waiter = new Waiter(executor, callback);
        set.add(waiter);
        for (String id : backendIds) {
            if (of(service, id).status() == BackendState.Status.UP) {
                serviceUp(service);
                break;
            }
        }
        return () -> set.remove(waiter);
    }

    /** How many are waiting for {@code service} to come up (the dashboard and tests read it). */
    public int waiting(String service) {
        Set<Waiter> set = waiters.get(service);
        return set == null ? 0 : set.size();
    }

    /** A backend of {@code service} turned up: everyone waiting for it is told, on their own executor. */
    public void serviceUp(String service) {
        Set<Waiter> set = waiters.get(service);
        if (set == null) {
            return;
        }
        for (java.util.Iterator<Waiter> it = set.iterator(); it.hasNext(); ) {
            Waiter w = it.next();
            if (!set.remove(w)) {
                continue; // told by another thread, or cancelled, meanwhile
            }
            try {
                w.executor.execute(w.callback);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // the waiter's event loop is shutting down
            }
        }
    }

    void onPassiveDown(BiConsumer<String, String> listener) {
        this.onPassiveDown = listener;
    }
}
