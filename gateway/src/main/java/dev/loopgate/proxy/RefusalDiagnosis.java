package dev.loopgate.proxy;

import dev.loopgate.diagnostics.Loopback;
import dev.loopgate.diagnostics.NearbyListener;
import dev.loopgate.diagnostics.PortOwner;
import dev.loopgate.routing.Backend;
import io.netty.channel.EventLoop;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Explains the commonest "connection refused" on a developer machine: the dev server listens on the other loopback
 * address family (only {@code ::1}, or only {@code 127.0.0.1}) than the one the backend URL names, or it moved to a
 * nearby port because its own was taken when it started.
 *
 * <p>A diagnosis reads {@code /proc} (or runs {@code lsof}); a page with fifty assets against a stopped dev server
 * would run fifty. So one diagnosis per backend is shared by every refusal within {@link #WINDOW}, including those
 * that arrive while it is still being made.
 */
final class RefusalDiagnosis {
    static final Duration WINDOW = Duration.ofSeconds(2);
    private static final int PROBE_TIMEOUT_MILLIS = 250;
    private static final int MAX_REMEMBERED = 256;

    private record Shared(long startedNanos, CompletableFuture<Problem> result) {}

    private final BackendConnector connector;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<String, Shared> recent = new ConcurrentHashMap<>();
    private final AtomicInteger made = new AtomicInteger();

    RefusalDiagnosis(BackendConnector connector, LongSupplier nanoTime) {
        this.connector = connector;
        this.nanoTime = nanoTime;
    }

    /**
     * Answers {@code done} on {@code loop} with the refusal explained, or with {@code refused} as it is.
     *
     * @param taken the gateway's own port and every port a route already uses: not where a dev server moved
     */
    void explain(Backend backend, EventLoop loop, Problem refused, Set<Integer> taken, Consumer<Problem> done) {
        long now = nanoTime.getAsLong();
        String key =
                backend.service() + "/" + backend.id() + "@" + backend.url().authority();
        Shared fresh = new Shared(now, new CompletableFuture<>());
        Shared shared = recent.compute(
                key, (k, old) -> old != null && now - old.startedNanos() < WINDOW.toNanos() ? old : fresh);
        if (shared == fresh) {
            made.incrementAndGet();
            if (recent.size() > MAX_REMEMBERED) {
                recent.values().removeIf(s -> now - s.startedNanos() >= WINDOW.toNanos());
            }
            diagnose(backend, loop, connector, refused, taken, fresh.result()::complete);
        }
        shared.result().thenAccept(problem -> loop.execute(() -> done.accept(problem)));
    }

    /** How many diagnoses were actually made (the rest were shared). */
    int made() {
        return made.get();
    }

    private static void diagnose(
            Backend backend,
            EventLoop loop,
            BackendConnector connector,
            Problem refused,
            Set<Integer> taken,
            Consumer<Problem> done) {
        String host = backend.url().host();
        int port = backend.url().port();
        InetSocketAddress other;
        String otherName;
        if (host.startsWith("127.")) {
            other = new InetSocketAddress(Loopback.IPV6, port);
            otherName = "[::1]:" + port;
        } else if (host.equals("::1") || host.equals("0:0:0:0:0:0:0:1")) {
            other = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            otherName = "127.0.0.1:" + port;
        } else {
            if (backend.url().isLocalhostName()) {
                nearby(backend, loop, refused, taken, done);
            } else {
                done.accept(refused);
            }
            return;
        }
        connector.probe(loop, other, PROBE_TIMEOUT_MILLIS, open -> {
            if (!open) {
                nearby(backend, loop, refused, taken, done);
                return;
            }
            // Finding the process reads /proc: off the event loop, then back on it to answer.
            CompletableFuture.supplyAsync(() -> PortOwner.find(port)
                            .map(PortOwner.Process::toString)
                            .orElse("something"))
                    .exceptionally(e -> "something")
                    .thenAccept(
                            owner -> loop.execute(() -> done.accept(otherFamily(backend, refused, otherName, owner))));
        });
    }

    /** Looks for the dev server on a nearby port (reading /proc off the event loop), else answers {@code refused}. */
    private static void nearby(
            Backend backend, EventLoop loop, Problem refused, Set<Integer> taken, Consumer<Problem> done) {
        int port = backend.url().port();
        CompletableFuture.supplyAsync(() -> NearbyListener.onThisMachine(port, taken)
                        .map(p -> moved(backend, refused, p, owner(p)))
                        .orElse(refused))
                .exceptionally(e -> refused)
                .thenAccept(problem -> loop.execute(() -> done.accept(problem)));
    }

    private static String owner(int port) {
        return PortOwner.find(port).map(PortOwner.Process::toString).orElse("something");
    }

    private static Problem moved(Backend backend, Problem refused, int port, String owner) {
        int wanted = backend.url().port();
        return new Problem(
                refused.status(),
                "The dev server seems to be on another port",
                "Nothing listens on " + backend.url().authority() + ", but " + owner + " listens on port " + port
                        + " nearby. Dev servers such as Vite and Next.js move to the next free port when theirs is"
                        + " taken.",
                "Point '" + backend.service() + "' at port " + port + " (e.g. services: { " + backend.service() + ": "
                        + port + " }), or free port " + wanted + " and restart the dev server; Vite's"
                        + " server.strictPort: true makes it stop instead of moving.",
                backend.service(),
                backend.id(),
                Map.of(),
                null);
    }

    private static Problem otherFamily(Backend backend, Problem refused, String otherName, String owner) {
        int port = backend.url().port();
        String family = otherName.startsWith("[") ? "IPv6 (::1) only" : "IPv4 (127.0.0.1) only";
        return new Problem(
                refused.status(),
                "The backend listens on the other loopback address",
                "Nothing listens on " + backend.url().authority() + ", but " + owner + " listens on " + otherName
                        + ": the dev server of '" + backend.service() + "' is bound to " + family + ".",
                "Use http://localhost:" + port + " as the backend (loopgate then tries 127.0.0.1 and ::1), or"
                        + " start the dev server with --host " + (otherName.startsWith("[") ? "127.0.0.1" : "::1")
                        + ".",
                backend.service(),
                backend.id(),
                Map.of(),
                null);
    }
}
