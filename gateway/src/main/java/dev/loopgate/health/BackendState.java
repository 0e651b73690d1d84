package dev.loopgate.health;

import java.time.Instant;

/**
 * Everything that is known about one backend at run time: its health (written by the health checker and by the
 * proxy on a failed connection, read by balancing and the API) and the proxy's own counters — requests in flight
 * ({@code least_request}), consecutive 5xx (outlier ejection), and which loopback address answered last. It is
 * keyed by service and backend id in {@link BackendStates}, so it survives route-table rebuilds: a lease renewal
 * rebuilds the table every few seconds and must not reset any of this.
 */
public final class BackendState {
    /** The states a backend can be in; {@code UNKNOWN} until the first check, and routable like {@code UP}. */
    public enum Status {
        UP,
        DOWN,
        UNKNOWN;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger consecutive5xx =
            new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean preferIpv6;
    private volatile Status status = Status.UNKNOWN;
    private volatile Instant lastCheck;
    private volatile String lastError;
    private volatile long latencyMicros = -1;
    private int successes;
    private int failures;

    /** Requests this backend is serving right now. */
    public int inFlight() {
        return inFlight.get();
    }

    public void started() {
        inFlight.incrementAndGet();
    }

    public void ended() {
        inFlight.decrementAndGet();
    }

    /** Counts an answer; returns whether it made {@code threshold} 5xx in a row (and starts counting again). */
    public boolean answered(int status, int threshold) {
        if (status < 500) {
            consecutive5xx.set(0);
            return false;
        }
        if (consecutive5xx.incrementAndGet() >= threshold) {
            consecutive5xx.set(0);
            return true;
        }
        return false;
    }

    /** Whether ::1 answered last for a {@code localhost} backend, so it is dialled first. */
    public boolean preferIpv6() {
        return preferIpv6;
    }

    public void preferIpv6(boolean value) {
        preferIpv6 = value;
    }

    public Status status() {
        return status;
    }

    /** Whether new requests may go to this backend. */
    public boolean routable() {
        return status != Status.DOWN;
    }

    public Instant lastCheck() {
        return lastCheck;
    }

    public String lastError() {
        return lastError;
    }

    public long latencyMicros() {
        return latencyMicros;
    }

    /**
     * Records a probe result and applies the thresholds: {@code healthy} consecutive passes turn a backend up,
     * {@code unhealthy} consecutive failures turn it down. Returns the new status when it changed, else {@code null}.
     */
    synchronized Status record(boolean passed, String error, long micros, Instant at, int healthy, int unhealthy) {
        lastCheck = at;
        latencyMicros = passed ? micros : -1;
        if (passed) {
            lastError = null;
            failures = 0;
            successes++;
            if (status != Status.UP && successes >= healthy) {
                status = Status.UP;
                return Status.UP;
            }
        } else {
            lastError = error;
            successes = 0;
            failures++;
            if (status != Status.DOWN && failures >= unhealthy) {
                status = Status.DOWN;
                return Status.DOWN;
            }
        }
        return null;
    }

    /** Up at once, without the thresholds (loopgate saw it become ready); whether this changed the status. */
    synchronized boolean markUp(Instant at) {
        lastCheck = at;
        lastError = null;
        failures = 0;
        successes = Math.max(successes, 1);
        if (status == Status.UP) {
            return false;
        }
        status = Status.UP;
        return true;
    }

    /**
     * A real request found the backend refusing or resetting connections: down at once, without waiting for the
     * thresholds. Returns whether this changed the status.
     */
    public synchronized boolean markDown(String reason, Instant at) {
        lastError = reason;
        lastCheck = at;
        successes = 0;
        failures = Math.max(failures, 1);
        if (status == Status.DOWN) {
            return false;
        }
        status = Status.DOWN;
        return true;
    }
}
