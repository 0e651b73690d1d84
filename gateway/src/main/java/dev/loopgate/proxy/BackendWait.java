package dev.loopgate.proxy;

import dev.loopgate.process.OnDemand;
import dev.loopgate.routing.Backend;
import dev.loopgate.routing.Route;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * A request held while its service has no backend up (a dev server restarting after a save, say): it goes on when a
 * backend passes a health check, or is answered when the service's {@code wait} runs out. Nothing of the request was
 * read past its head or sent anywhere meanwhile.
 */
final class BackendWait {
    /** Requests that may wait for one service; each holds a connection and a request, so later ones get the 503. */
    static final int MAX_WAITING = 1000;

    private final Route route;
    private final EventLoop loop;
    private final Consumer<Backend> onUp;
    private final Deadline deadline;
    private Runnable stopListening;
    private Runnable stopGivingUp = () -> {};
    private boolean over;

    private BackendWait(Route route, EventLoop loop, Consumer<Backend> onUp) {
        this.route = route;
        this.loop = loop;
        this.onUp = onUp;
        this.deadline = new Deadline(loop);
    }

    /** Whether a request for {@code route} may wait at all: the service has backends, a wait, and room for one more. */
    static boolean possible(Route route) {
        return !route.backends().isEmpty()
                && (route.service().process() != null
                        || !route.service().waitForBackend().isZero())
                && route.waiting() < MAX_WAITING;
    }

    static BackendWait start(Route route, EventLoop loop, Consumer<Backend> onUp, Runnable onTimeout) {
        return start(route, loop, route.service().waitForBackend(), onUp, onTimeout);
    }

    /**
     * Waits for the command loopgate runs for the service to be ready: up to its {@code ready.timeout}, and no
     * longer than until the command exits or turns out late ({@code onGiveUp} then runs at once).
     */
    static BackendWait forCommand(
            Route route, EventLoop loop, OnDemand commands, Consumer<Backend> onUp, Runnable onGiveUp) {
        BackendWait w = start(route, loop, route.service().process().readyTimeout(), onUp, onGiveUp);
        w.stopGivingUp = commands.onGiveUp(route.serviceName(), loop, () -> {
            if (!w.over) {
                w.end();
                onGiveUp.run();
            }
        });
        return w;
    }

    private static BackendWait start(
            Route route, EventLoop loop, Duration limit, Consumer<Backend> onUp, Runnable onTimeout) {
        BackendWait w = new BackendWait(route, loop, onUp);
        w.deadline.arm(limit.toNanos(), () -> {
            if (!w.over) {
                w.end();
                onTimeout.run();
            }
        });
        w.listen();
        return w;
    }

    private void listen() {
        stopListening = route.awaitHealthy(loop, this::healthChanged);
    }

    private void healthChanged() {
        if (over) {
            return;
        }
        Backend up = route.pick();
        if (up == null) {
            listen();
            return;
        }
        end();
        onUp.accept(up);
    }

    /** No longer waiting: the deadline and the registration as a waiter both go (a waiter left behind is a leak). */
    void end() {
        over = true;
        deadline.cancel();
        stopGivingUp.run();
        if (stopListening != null) {
            stopListening.run();
            stopListening = null;
        }
    }
}
