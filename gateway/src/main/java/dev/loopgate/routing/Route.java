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

    /** The service name of {@link #direct} routes, in logs and metrics. */
    public static final String DIRECT = "direct";

    /**
     * A route straight to a port on this machine, for a forward-proxy request such as {@code GET
     * http://localhost:5173/}: the client meant that port, not a service. It has no health checks and no waiting, and
     * its own health state, so a refusal now does not turn the next request away: as if the client had dialled it.
     */
    public static Route direct(dev.loopgate.config.BackendUrl url) {
        ServiceConfig s = new ServiceConfig(
                DIRECT,
                List.of(url.host()),
                List.of("/"),
                false,
                List.of(url),
                dev.loopgate.config.HealthConfig.DEFAULT,
                null,
                Duration.ZERO,
                false,
                0,
                null,
                null);
        dev.loopgate.health.BackendStates own = new dev.loopgate.health.BackendStates(java.time.Clock.systemUTC());
        return new Route(s, "/", List.of(new Backend(DIRECT, url.id(), url, own)));
    }

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

    /**
     * The backend for a new request among the healthy ones: round robin, or with {@code balance: least_request} the
     * less busy of two picked at random. {@code null} when the service has none or none is healthy.
     */
    public Backend pick() {
        int n = backends.size();
        if (service.leastRequest() && n > 1) {
            java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
            Backend a = backends.get(random.nextInt(n));
            Backend b = backends.get((backends.indexOf(a) + 1 + random.nextInt(n - 1)) % n);
            if (a.health().routable() && b.health().routable()) {
                return a.inFlight() <= b.inFlight() ? a : b;
            }
        }
        int start = next.getAndIncrement();
        for (int i = 0; i < n; i++) {
            Backend b = backends.get(Math.floorMod(start + i, n));
            if (b.health().routable()) {
                return b;
            }
        }
        return null;
    }

    /**
     * The healthy backend to fail over to after {@code failed} (nothing was sent to it), or {@code null} when the
     * {@code attempts} made so far have used up the service's backends.
     */
    public Backend after(Backend failed, int attempts) {
        int n = backends.size();
        int i = backends.indexOf(failed);
        for (int step = 1; step < n && attempts < n; step++) {
            Backend b = backends.get((i + step) % n);
            if (b != failed && b.health().routable()) {
                return b;
            }
        }
        return null;
    }

    /**
     * Runs {@code resume} on {@code loop} when one of this service's backends is seen up (at once if one is). Returns
     * the handle that stops waiting; the caller must run it when it no longer waits.
     */
    public Runnable awaitHealthy(java.util.concurrent.Executor loop, Runnable resume) {
        if (backends.isEmpty()) {
            return () -> {};
        }
        return backends.get(0)
                .states()
                .awaitUp(service.name(), backends.stream().map(Backend::id).toList(), loop, resume);
    }

    /** How many requests (and event streams) wait for this service to come up. */
    public int waiting() {
        return backends.isEmpty() ? 0 : backends.get(0).states().waiting(service.name());
    }

    /** Whether any backend has passed a health check, for "reload when it is back" pages. */
    public boolean anyUp() {
        for (Backend b : backends) {
            if (b.health().status() == dev.loopgate.health.BackendState.Status.UP) {
                return true;
            }
        }
        return false;
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
