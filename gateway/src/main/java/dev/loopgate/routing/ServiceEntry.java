package dev.loopgate.routing;

import dev.loopgate.config.ServiceConfig;
import java.util.List;

/** One routed service: its settings, where it came from, and its backends. */
public record ServiceEntry(ServiceConfig config, String source, List<BackendEntry> backends) {
    public ServiceEntry {
        backends = List.copyOf(backends);
    }

    /** A service declared in the config file: its backends are identified by {@code host:port}. */
    public static ServiceEntry fromFile(ServiceConfig config) {
        return new ServiceEntry(
                config,
                "file",
                config.backends().stream()
                        .map(u -> new BackendEntry(u.id(), u, "file", null))
                        .toList());
    }

    public String name() {
        return config.name();
    }
}
