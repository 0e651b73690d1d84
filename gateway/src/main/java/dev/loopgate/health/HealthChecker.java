package dev.loopgate.health;

import dev.loopgate.config.HealthConfig;
import dev.loopgate.routing.BackendEntry;
import dev.loopgate.routing.Routes;
import dev.loopgate.routing.ServiceEntry;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes every routed backend at its service's interval, with ±10 % jitter so probes do not bunch up, all on one
 * event loop: a tick every 100 ms starts the probes that are due, and each probe is asynchronous. State changes are
 * logged once, with the reason. A backend a real request found refusing is probed again at once.
 */
public final class HealthChecker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HealthChecker.class);
    private static final long TICK_MILLIS = 100;

    /** Told of every probe (for metrics): which service, and whether it passed. */
    public interface Listener {
        void probed(String service, boolean passed);
    }

    private final Routes routes;
    private final BackendStates states;
    private final Prober prober;
    private final ScheduledExecutorService loop;
    private final Clock clock;
    private final Listener listener;
    private final Map<String, Long> nextDue = new HashMap<>();
    private final Set<String> inFlight = new HashSet<>();
    private ScheduledFuture<?> ticker;
    private volatile java.util.function.Predicate<String> probed = service -> true;

    public HealthChecker(
            Routes routes,
            BackendStates states,
            Prober prober,
            ScheduledExecutorService loop,
            Clock clock,
            Listener listener) {
        this.routes = routes;
        this.states = states;
        this.prober = prober;
        this.loop = loop;
        this.clock = clock;
        this.listener = listener;
        states.onPassiveDown((key, reason) -> {
            try {
                loop.execute(() -> {
                    log.warn("backend {} is down: {} (seen on a request)", key, reason);
                    nextDue.put(key, 0L);
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // the gateway is stopping
            }
        });
    }

    /**
     * Probes only the services {@code which} accepts: a command loopgate runs is not probed while it is stopped (its
     * refusals would only be noise; loopgate knows it is not running).
     */
    public HealthChecker probeOnly(java.util.function.Predicate<String> which) {
        probed = which;
        return this;
    }

    public HealthChecker start() {
        ticker = loop.scheduleWithFixedDelay(this::tick, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
        return this;
    }

    private void tick() {
        long now = System.nanoTime();
        Set<String> present = new HashSet<>();
        for (ServiceEntry service : routes.current().services().values()) {
            if (!probed.test(service.name())) {
                continue;
            }
            HealthConfig config = service.config().health();
            for (BackendEntry backend : service.backends()) {
                String key = BackendStates.key(service.name(), backend.id());
                present.add(key);
                Long due = nextDue.get(key);
                if (inFlight.contains(key) || due != null && now < due) {
                    continue;
                }
                nextDue.put(key, now + jittered(config.interval().toNanos()));
                inFlight.add(key);
                probe(service, backend, key, config);
            }
        }
        // The states themselves are evicted by the registry with each new table: evicting them here, from a table
        // that may already be stale, could drop the state a newer table's backend holds.
        nextDue.keySet().retainAll(present);
    }

    private void probe(ServiceEntry service, BackendEntry backend, String key, HealthConfig config) {
        String host = service.config().hosts().stream()
                .filter(h -> !h.startsWith("*."))
                .findFirst()
                .orElse(service.name() + ".localhost");
        prober.probe(
                backend.url(),
                config.path(),
                host,
                config.timeout(),
                result -> loop.execute(() -> {
                    inFlight.remove(key);
                    BackendState health = states.get(service.name(), backend.id());
                    if (health == null) {
                        return; // removed while the probe ran
                    }
                    BackendState.Status changed = health.record(
                            result.passed(),
                            result.error(),
                            result.micros(),
                            clock.instant(),
                            config.healthyThreshold(),
                            config.unhealthyThreshold());
                    listener.probed(service.name(), result.passed());
                    if (changed == BackendState.Status.UP) {
                        log.info("backend {} ({}) is up", key, backend.url());
                        states.serviceUp(service.name());
                    } else if (changed == BackendState.Status.DOWN) {
                        log.warn("backend {} ({}) is down: {}", key, backend.url(), result.error());
                    }
                }));
    }

    private static long jittered(long nanos) {
        long spread = nanos / 10;
        return nanos - spread + ThreadLocalRandom.current().nextLong(2 * spread + 1);
    }

    @Override
    public void close() {
        if (ticker != null) {
            ticker.cancel(false);
        }
    }
}
