package dev.loopgate.routing;

import dev.loopgate.config.ServiceConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Where one (host, path prefix) goes: a service and its backends, picked round robin. */
public final class Route {
    private final ServiceConfig service;
    private final String pathPrefix;
    private final List<Backend> backends;
    private final AtomicInteger next = new AtomicInteger();

    Route(ServiceConfig service, String pathPrefix, List<Backend> backends) {
        this.service = service;
        this.pathPrefix = pathPrefix;
        this.backends = List.copyOf(backends);
    }

    public ServiceConfig service() {
        return service;
    }

    public String serviceName() {
        return service.name();
    }

    public String pathPrefix() {
        return pathPrefix;
    }

    public List<Backend> backends() {
        return backends;
    }

    public Duration responseTimeout(Duration fallback) {
        return service.responseTimeout() == null ? fallback : service.responseTimeout();
    }

    /** The backend to try first for a new request; {@code null} when the service has none. */
    public Backend pick() {
        int n = backends.size();
        if (n == 0) {
            return null;
        }
        return backends.get(Math.floorMod(next.getAndIncrement(), n));
    }

    /** The backend to fail over to after {@code failed}, or {@code null} if it was the only one. */
    public Backend after(Backend failed, int attempts) {
        int n = backends.size();
        if (attempts >= n) {
            return null;
        }
        int i = backends.indexOf(failed);
        return backends.get((i + 1) % n);
    }

    boolean matchesPath(String path) {
        if (pathPrefix.equals("/")) {
            return true;
        }
        return path.startsWith(pathPrefix)
                && (path.length() == pathPrefix.length() || path.charAt(pathPrefix.length()) == '/');
    }

    /**
     * The request target the backend sees: with {@code strip_prefix}, the matched prefix is removed from the path
     * ({@code /api/x?q} → {@code /x?q}, {@code /api} → {@code /}).
     */
    public String rewriteTarget(String originFormTarget) {
        if (!service.stripPrefix() || pathPrefix.equals("/")) {
            return originFormTarget;
        }
        String rest = originFormTarget.substring(pathPrefix.length());
        if (rest.isEmpty() || rest.charAt(0) == '?') {
            return "/" + rest;
        }
        return rest;
    }
}
