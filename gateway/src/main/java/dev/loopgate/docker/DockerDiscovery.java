package dev.loopgate.docker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.Json;
import dev.loopgate.proxy.Transport;
import dev.loopgate.registry.Registration;
import io.netty.channel.EventLoop;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Docker provider: follows the Engine's event stream and, on every event that can change a route, lists the
 * labelled containers again and hands the result to the registry. When the Engine cannot be reached the gateway keeps
 * serving (Docker routes keep their last state) and retries with a growing delay, saying so once per distinct problem.
 * Everything here runs on one event loop; the registry is updated on {@code publisher}, away from it.
 */
public final class DockerDiscovery implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DockerDiscovery.class);
    static final long FIRST_RETRY_MILLIS = 500;
    static final long MAX_RETRY_MILLIS = 30_000;
    private static final long SETTLE_MILLIS = 50;

    private final EngineClient engine;
    private final EventLoop loop;
    private final Executor publisher;
    private final Consumer<List<Registration>> routes;
    private final Supplier<String> adminHost;
    private final Set<String> reported = new HashSet<>();
    private long retryMillis = FIRST_RETRY_MILLIS;
    private boolean following;
    private boolean retryScheduled;
    private boolean streamOpen;
    private ScheduledFuture<?> pendingSync;
    private String lastFailure;
    private volatile boolean closed;
    private volatile List<String> notices = List.of();

    private DockerDiscovery(
            EngineClient engine,
            EventLoop loop,
            Executor publisher,
            Consumer<List<Registration>> routes,
            Supplier<String> adminHost) {
        this.engine = engine;
        this.loop = loop;
        this.publisher = publisher;
        this.routes = routes;
        this.adminHost = adminHost;
    }

    /**
     * Starts following the Engine at {@code endpoint} ({@code unix:///path}).
     *
     * @param routes receives every labelled container's route after each change, on {@code publisher}
     */
    public static DockerDiscovery start(
            String endpoint,
            Transport transport,
            EventLoop loop,
            Executor publisher,
            Consumer<List<Registration>> routes,
            Supplier<String> adminHost) {
        DockerDiscovery d = new DockerDiscovery(
                new EngineClient(transport, loop, endpoint.substring("unix://".length())),
                loop,
                publisher,
                routes,
                adminHost);
        loop.execute(d::connect);
        return d;
    }

    private void connect() {
        retryScheduled = false;
        if (closed) {
            return;
        }
        // The stream opens first, so that nothing that happens while the list is read goes unnoticed.
        if (!streamOpen) {
            streamOpen = true;
            engine.stream(EngineEvents.PATH, this::onEvent, e -> {
                streamOpen = false;
                failed(e);
            });
        }
        sync();
    }

    private void onEvent(String line) {
        JsonNode event;
        try {
            event = Json.mapper().readTree(line);
        } catch (JsonProcessingException e) {
            return;
        }
        if (EngineEvents.changesRoutes(event) && (pendingSync == null || pendingSync.isDone())) {
            pendingSync = loop.schedule(this::sync, SETTLE_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private void sync() {
        if (closed) {
            return;
        }
        engine.get("/containers/json", (body, error) -> {
            if (error != null) {
                failed(error);
                return;
            }
            try {
                apply(Containers.read(Json.mapper().readTree(body), adminHost.get()));
            } catch (JsonProcessingException e) {
                failed(e);
            }
        });
    }

    private void apply(Containers.Discovered found) {
        if (!following) {
            log.info(
                    "docker: following {} ({} labelled container(s))",
                    engine.socketPath(),
                    found.routes().size() + found.problems().size());
        }
        following = true;
        lastFailure = null;
        retryMillis = FIRST_RETRY_MILLIS;
        for (String p : found.problems()) {
            if (reported.add(p)) {
                log.warn("docker: not routed: {}", p);
            }
        }
        reported.retainAll(found.problems());
        notices = found.problems().stream().map(p -> "Docker " + p).toList();
        publisher.execute(() -> routes.accept(found.routes()));
    }

    private void failed(Throwable error) {
        if (closed) {
            return;
        }
        following = false;
        String why = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
        if (why.contains("Permission denied") || why.contains("EACCES")) {
            why += " (the gateway's user needs the socket's group: group_add: [\"$(stat -c %g " + engine.socketPath()
                    + ")\"] in Compose, --group-add with docker run)";
        }
        notices = List.of("Docker: cannot follow the Engine at " + engine.socketPath() + ": " + why
                + "; retrying, containers found so far stay routed");
        if (!why.equals(lastFailure)) {
            lastFailure = why;
            log.warn(
                    "docker: cannot follow the Engine at {}: {}; retrying (containers found so far stay routed)",
                    engine.socketPath(),
                    why);
        }
        if (!retryScheduled) {
            retryScheduled = true;
            loop.schedule(this::connect, retryMillis, TimeUnit.MILLISECONDS);
            retryMillis = Math.min(MAX_RETRY_MILLIS, retryMillis * 2);
        }
    }

    /** What the provider cannot route, or why it cannot follow the Engine, one line each, for the dashboard. */
    public List<String> notices() {
        return notices;
    }

    @Override
    public void close() {
        closed = true;
    }
}
