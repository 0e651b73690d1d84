package dev.loopgate.config;

import java.time.Duration;

/**
 * How a service's backends are probed: a TCP connect, or with {@code path} an HTTP GET expecting 2xx or 3xx.
 *
 * @param healthyThreshold consecutive passes that turn a backend up
 * @param unhealthyThreshold consecutive failures that turn it down
 */
public record HealthConfig(
        String path, Duration interval, Duration timeout, int healthyThreshold, int unhealthyThreshold) {
    public static final HealthConfig DEFAULT = new HealthConfig("", Duration.ofSeconds(2), Duration.ofSeconds(1), 1, 2);

    public HealthConfig(String path, Duration interval, Duration timeout) {
        this(path, interval, timeout, DEFAULT.healthyThreshold, DEFAULT.unhealthyThreshold);
    }
}
