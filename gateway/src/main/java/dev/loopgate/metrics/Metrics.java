package dev.loopgate.metrics;

import dev.loopgate.health.BackendState;
import dev.loopgate.health.BackendStates;
import dev.loopgate.proxy.ExchangeObserver;
import dev.loopgate.routing.BackendEntry;
import dev.loopgate.routing.Routes;
import dev.loopgate.routing.ServiceEntry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;
import java.util.function.ToIntFunction;

/**
 * Every meter loopgate exports, defined in this one place, each with a description. Labels carry only bounded
 * values — service names, HTTP methods, status codes — never request hosts or paths.
 */
public final class Metrics implements ExchangeObserver {
    static final String REQUESTS = "loopgate.requests";
    private static final Set<String> METHODS =
            Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE");
    /** Buckets for local latencies: a dev server answers in a millisecond or takes seconds to compile a page. */
    private static final Duration[] BUCKETS = {
        Duration.ofMillis(1),
        Duration.ofMillis(2),
        Duration.ofMillis(5),
        Duration.ofMillis(10),
        Duration.ofMillis(25),
        Duration.ofMillis(50),
        Duration.ofMillis(100),
        Duration.ofMillis(250),
        Duration.ofMillis(500),
        Duration.ofSeconds(1),
        Duration.ofMillis(2500),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10)
    };

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, Timer[][]>> timers = new ConcurrentHashMap<>();
    private final Routes routes;
    private final BackendStates health;
    private final MultiGauge backendUp;
    private final MultiGauge backendConnections;
    private final ToIntFunction<String> activeConnections;
    private final ToIntFunction<String> idleConnections;

    /**
     * @param clientConnections open client connections right now
     * @param activeConnections backend connections in use by a service's exchanges
     * @param idleConnections idle pooled connections to a backend address ({@code host:port})
     */
    public Metrics(
            Routes routes,
            BackendStates health,
            IntSupplier clientConnections,
            ToIntFunction<String> activeConnections,
            ToIntFunction<String> idleConnections) {
        this.routes = routes;
        this.health = health;
        this.activeConnections = activeConnections;
        this.idleConnections = idleConnections;
        // Two of Micrometer's standard meters fail promtool's lint (an abbreviated unit; "_count" on a gauge);
        // process_cpu_usage and the JVM's own processor count say the same.
        registry.config()
                .meterFilter(io.micrometer.core.instrument.config.MeterFilter.deny(id ->
                        id.getName().equals("process.cpu.time") || id.getName().equals("system.cpu.count")));
        // Micrometer holds a gauge's object weakly: without the strong reference the supplier (a lambda nobody
        // else keeps) is collected at the next GC and the gauge reads NaN from then on.
        Gauge.builder("loopgate.connections.active", clientConnections, IntSupplier::getAsInt)
                .description("Client connections open to the gateway")
                .strongReference(true)
                .register(registry);
        backendUp = MultiGauge.builder("loopgate.backend.up")
                .description("1 when the backend passes its health checks (or was not checked yet), 0 when down")
                .register(registry);
        backendConnections = MultiGauge.builder("loopgate.backend.connections")
                .description("Connections from the gateway to a service's backends, by state (active, idle)")
                .register(registry);
    }

    /**
     * Adds the JVM and process meters. Separate from the constructor because loading them costs a few hundred
     * milliseconds, which should come after the gateway accepts connections.
     */
    public Metrics bindJvmMeters() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        return this;
    }

    /** Metrics whose connection gauges read a gateway server that may not have started yet (then: zero). */
    public static Metrics forServer(
            Routes routes, BackendStates health, java.util.function.Supplier<dev.loopgate.proxy.GatewayServer> server) {
        return new Metrics(
                routes,
                health,
                () -> server.get() == null ? 0 : server.get().clientConnections(),
                service -> server.get() == null ? 0 : server.get().activeBackendConnections(service),
                authority -> server.get() == null ? 0 : server.get().idleBackendConnections(authority));
    }

    @Override
    public void completed(dev.loopgate.proxy.ExchangeRecord r) {
        timer(r.service(), METHODS.contains(r.method()) ? r.method() : "OTHER", r.status(), "h2".equals(r.protocol()))
                .record(r.durationNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** Looked up for every exchange without allocating: by service, method, then protocol and status as indexes. */
    private Timer timer(String service, String method, int status, boolean h2) {
        int code = status >= 100 && status <= 599 ? status : 0;
        ConcurrentHashMap<String, Timer[][]> byMethod = timers.get(service);
        if (byMethod == null) {
            byMethod = timers.computeIfAbsent(service, s -> new ConcurrentHashMap<>());
        }
        Timer[][] byProtocol = byMethod.get(method);
        if (byProtocol == null) {
            byProtocol = byMethod.computeIfAbsent(method, m -> new Timer[2][600]);
        }
        Timer[] byStatus = byProtocol[h2 ? 1 : 0];
        Timer t = byStatus[code];
        if (t == null) {
            t = Timer.builder(REQUESTS)
                    .description("Requests through the gateway by service, method, status (0: no response sent)"
                            + " and client protocol (http/1.1, h2)")
                    .tags(
                            "service",
                            service,
                            "method",
                            method,
                            "status",
                            Integer.toString(code),
                            "protocol",
                            h2 ? "h2" : "http/1.1")
                    .serviceLevelObjectives(BUCKETS)
                    .register(registry);
            byStatus[code] = t;
        }
        return t;
    }

    @Override
    public void handshakeFailed(String reason) {
        Counter.builder("loopgate.tls.handshake.failures")
                .description("Failed TLS handshakes on the HTTPS port by reason (untrusted: the client does not trust"
                        + " loopgate's root; name; protocol; timeout; not_tls; plain_http; other)")
                .tag("reason", reason)
                .register(registry)
                .increment();
    }

    /** Counts one health probe. */
    public void healthCheck(String service, boolean passed) {
        Counter.builder("loopgate.health.checks")
                .description("Active health probes by service and result")
                .tags("service", service, "result", passed ? "pass" : "fail")
                .register(registry)
                .increment();
    }

    /** Counts one config file change: applied, or rejected because it was invalid. */
    public void configReload(boolean applied) {
        Counter.builder("loopgate.config.reloads")
                .description("Config file changes by result (applied, rejected)")
                .tags("result", applied ? "applied" : "rejected")
                .register(registry)
                .increment();
    }

    /** The Prometheus text exposition, with the per-backend gauges brought up to date first. */
    public String scrape() {
        List<MultiGauge.Row<?>> up = new ArrayList<>();
        List<MultiGauge.Row<?>> connections = new ArrayList<>();
        for (ServiceEntry s : routes.current().services().values()) {
            int idle = 0;
            for (BackendEntry b : s.backends()) {
                BackendState h = health.of(s.name(), b.id());
                up.add(MultiGauge.Row.of(Tags.of("service", s.name(), "backend", b.id()), h.routable() ? 1 : 0));
                idle += idleConnections.applyAsInt(b.url().authority());
            }
            connections.add(MultiGauge.Row.of(
                    Tags.of("service", s.name(), "state", "active"), activeConnections.applyAsInt(s.name())));
            connections.add(MultiGauge.Row.of(Tags.of("service", s.name(), "state", "idle"), idle));
        }
        backendUp.register(up, true);
        backendConnections.register(connections, true);
        return registry.scrape();
    }
}
