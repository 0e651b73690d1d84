package dev.loopgate.routing;

import dev.loopgate.config.BackendUrl;
import dev.loopgate.health.BackendHealth;
import dev.loopgate.health.HealthStates;

/**
 * One backend of a service, as the proxy dials it. For a {@code localhost} backend it remembers which loopback
 * address answered last, so that later connections go there first.
 */
public final class Backend {
    private final String service;
    private final String id;
    private final BackendUrl url;
    private final HealthStates states;
    private final BackendHealth health;
    private volatile boolean preferIpv6;
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger consecutive5xx =
            new java.util.concurrent.atomic.AtomicInteger();

    public Backend(String service, String id, BackendUrl url, HealthStates states) {
        this.service = service;
        this.id = id;
        this.url = url;
        this.states = states;
        this.health = states.of(service, id);
    }

    public BackendHealth health() {
        return health;
    }

    /** Requests this backend is serving right now (for least_request balancing). */
    public int inFlight() {
        return inFlight.get();
    }

    public void started() {
        inFlight.incrementAndGet();
    }

    public void ended() {
        inFlight.decrementAndGet();
    }

    /**
     * Counts consecutive 5xx answers; the {@code threshold}-th in a row takes the backend out until it passes a
     * health check (outlier ejection). A threshold of 0 turns this off.
     */
    public void answered(int status, int threshold) {
        if (threshold <= 0) {
            return;
        }
        if (status < 500) {
            consecutive5xx.set(0);
        } else if (consecutive5xx.incrementAndGet() >= threshold) {
            consecutive5xx.set(0);
            reportFailure(threshold + " consecutive 5xx responses");
        }
    }

    HealthStates states() {
        return states;
    }

    /** A request could not reach this backend: it is marked down at once and re-probed soon. */
    public void reportFailure(String reason) {
        states.reportFailure(service, id, reason);
    }

    public String service() {
        return service;
    }

    public String id() {
        return id;
    }

    public BackendUrl url() {
        return url;
    }

    public boolean preferIpv6() {
        return preferIpv6;
    }

    public void preferIpv6(boolean value) {
        preferIpv6 = value;
    }

    @Override
    public String toString() {
        return service + "/" + id + " (" + url + ")";
    }
}
