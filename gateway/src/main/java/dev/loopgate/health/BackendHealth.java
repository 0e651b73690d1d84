package dev.loopgate.health;

import java.time.Instant;

/**
 * What is known about one backend's health. Survives route-table rebuilds (it is keyed by service and backend),
 * written by the health checker and by the proxy on a failed connection, read by balancing and the API.
 */
public final class BackendHealth {
    /** The states a backend can be in; {@code UNKNOWN} until the first check, and routable like {@code UP}. */
    public enum Status {
        UP,
        DOWN,
        UNKNOWN;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private volatile Status status = Status.UNKNOWN;
    private volatile Instant lastCheck;
    private volatile String lastError;
    private volatile long latencyMicros = -1;
    private int successes;
    private int failures;

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
