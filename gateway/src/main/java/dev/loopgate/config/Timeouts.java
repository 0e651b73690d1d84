package dev.loopgate.config;

import java.time.Duration;

/**
 * Gateway-wide timeouts.
 *
 * @param connect how long a backend may take to accept a connection (504 after it)
 * @param responseHeaders how long a backend may take to start its response (504 after it); per service overridable
 * @param clientHeaders how long a client may take to send a request's headers (408 after it)
 * @param keepAlive how long an idle client connection is kept open between requests
 * @param backendIdle how long an idle pooled backend connection is kept
 * @param shutdown how long in-flight exchanges may run on after SIGTERM
 */
public record Timeouts(
        Duration connect,
        Duration responseHeaders,
        Duration clientHeaders,
        Duration keepAlive,
        Duration backendIdle,
        Duration shutdown) {
    public static final Timeouts DEFAULT = new Timeouts(
            Duration.ofSeconds(5),
            Duration.ofSeconds(60),
            Duration.ofSeconds(60),
            Duration.ofSeconds(75),
            Duration.ofSeconds(15),
            Duration.ofSeconds(10));
}
