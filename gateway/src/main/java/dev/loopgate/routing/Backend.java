package dev.loopgate.routing;

import dev.loopgate.config.BackendUrl;
import dev.loopgate.health.BackendState;
import dev.loopgate.health.BackendStates;

/**
 * One backend of a service, as a route table holds it: who it is and where it listens. Its run-time state (health,
 * requests in flight, consecutive 5xx, the loopback address that answered last) lives in a {@link BackendState}
 * shared by every table that routes it, so rebuilding the table — at every registration and lease renewal — resets
 * nothing.
 */
public final class Backend {
    private final String service;
    private final String id;
    private final BackendUrl url;
    private final BackendStates states;
    private final BackendState state;

    public Backend(String service, String id, BackendUrl url, BackendStates states) {
        this.service = service;
        this.id = id;
        this.url = url;
        this.states = states;
        this.state = states.of(service, id);
    }

    public BackendState health() {
        return state;
    }

    /** Requests this backend is serving right now (for least_request balancing). */
    public int inFlight() {
        return state.inFlight();
    }

    public void started() {
        state.started();
    }

    public void ended() {
        state.ended();
    }

    /**
     * Counts consecutive 5xx answers; the {@code threshold}-th in a row takes the backend out until it passes a
     * health check (outlier ejection). A threshold of 0 turns this off.
     */
    public void answered(int status, int threshold) {
        if (threshold > 0 && state.answered(status, threshold)) {
            reportFailure(threshold + " consecutive 5xx responses");
        }
    }

    BackendStates states() {
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
        return state.preferIpv6();
    }

    public void preferIpv6(boolean value) {
        state.preferIpv6(value);
    }

    @Override
    public String toString() {
        return service + "/" + id + " (" + url + ")";
    }
}
