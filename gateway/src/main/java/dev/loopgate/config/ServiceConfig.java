package dev.loopgate.config;

import java.time.Duration;
import java.util.List;

/**
 * One service: the hosts and path prefixes it answers and the backends that serve it.
 *
 * @param responseTimeout how long to wait for a backend's response headers; {@code null} means the gateway default
 */
public record ServiceConfig(
        String name,
        List<String> hosts,
        List<String> paths,
        boolean stripPrefix,
        List<BackendUrl> backends,
        HealthConfig health,
        Duration responseTimeout) {

    public ServiceConfig {
        hosts = List.copyOf(hosts);
        paths = List.copyOf(paths);
        backends = List.copyOf(backends);
    }

    /** The shorthand {@code web: 5173}: {@code web.localhost} on every path to {@code localhost:5173}. */
    public static ServiceConfig shorthand(String name, BackendUrl backend) {
        return new ServiceConfig(name, List.of(name + ".localhost"), List.of("/"), false, List.of(backend),
                HealthConfig.DEFAULT, null);
    }
}
