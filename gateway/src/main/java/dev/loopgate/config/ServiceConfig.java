package dev.loopgate.config;

import java.time.Duration;
import java.util.List;

/**
 * One service: the hosts and path prefixes it answers and the backends that serve it.
 *
 * @param responseTimeout how long to wait for a backend's response headers; {@code null} means the gateway default
 * @param waitForBackend how long a request waits for a backend to come up when none is; zero answers 503 at once
 * @param leastRequest balance by fewest requests in flight (power of two choices) instead of round robin
 * @param outlier5xx consecutive 5xx responses that take a backend out until it passes a health check; 0 is off
 * @param process the dev server loopgate runs for this service, or {@code null} when something else runs it
 */
public record ServiceConfig(
        String name,
        List<String> hosts,
        List<String> paths,
        boolean stripPrefix,
        List<BackendUrl> backends,
        HealthConfig health,
        Duration responseTimeout,
        Duration waitForBackend,
        boolean leastRequest,
        int outlier5xx,
        ProcessConfig process,
        Boolean httpsRedirect) {

    /** A dev server restarting after a save usually needs a few seconds. */
    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(10);

    public ServiceConfig(
            String name,
            List<String> hosts,
            List<String> paths,
            boolean stripPrefix,
            List<BackendUrl> backends,
            HealthConfig health,
            Duration responseTimeout) {
        this(name, hosts, paths, stripPrefix, backends, health, responseTimeout, DEFAULT_WAIT, false, 0, null, null);
    }

    public ServiceConfig {
        hosts = List.copyOf(hosts);
        paths = List.copyOf(paths);
        backends = List.copyOf(backends);
    }

    /** The same service served by other backends (a registration that takes a file service over). */
    public ServiceConfig withBackends(List<BackendUrl> others) {
        return new ServiceConfig(
                name,
                hosts,
                paths,
                stripPrefix,
                others,
                health,
                responseTimeout,
                waitForBackend,
                leastRequest,
                outlier5xx,
                process,
                httpsRedirect);
    }

    /** The same service with its command left to someone else (a registration took the service over). */
    public ServiceConfig withoutProcess() {
        return new ServiceConfig(
                name,
                hosts,
                paths,
                stripPrefix,
                backends,
                health,
                responseTimeout,
                waitForBackend,
                leastRequest,
                outlier5xx,
                null,
                httpsRedirect);
    }

    /** The shorthand {@code web: 5173}: {@code web.localhost} on every path to {@code localhost:5173}. */
    public static ServiceConfig shorthand(String name, BackendUrl backend) {
        return new ServiceConfig(
                name, List.of(name + ".localhost"), List.of("/"), false, List.of(backend), HealthConfig.DEFAULT, null);
    }
}
