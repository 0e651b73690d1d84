package dev.loopgate.config;

import java.time.Duration;

/** How a service's backends are probed. An empty {@code path} means a TCP connect check. */
public record HealthConfig(String path, Duration interval, Duration timeout) {
    public static final HealthConfig DEFAULT = new HealthConfig("", Duration.ofSeconds(2), Duration.ofSeconds(1));
}
