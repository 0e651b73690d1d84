package dev.loopgate.proxy;

import dev.loopgate.routing.Backend;
import dev.loopgate.routing.Route;
import io.netty.channel.EventLoop;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The first step of an exchange: the backend it goes to — one that is up now, or one that comes up while the request
 * waits (for the service's {@code wait}, or for the command loopgate runs for it to be ready) — or, when none will
 * be, the page loopgate answers instead. Nothing of the request was read past its head or sent anywhere meanwhile.
 */
final class BackendChoice {
    private BackendChoice() {}

    /**
     * Decides, at once or after a wait. Returns the wait (to end when the client goes away), or {@code null} when
     * {@code connect} or {@code answer} already ran.
     *
     * @param page whether the client is a browser opening a page: it gets the "starting…" page instead of waiting
     *     (asked only for a service whose command is starting, so ordinary requests do not pay for it)
     */
    static BackendWait choose(
            Route route,
            GatewayContext gateway,
            EventLoop loop,
            BooleanSupplier page,
            Consumer<Backend> connect,
            Consumer<Problem> answer) {
        String service = route.serviceName();
        if (route.service().process() != null && !gateway.onDemand().demand(service)) {
            // The service's command is starting (this request may have started it).
            Runnable notServing =
                    () -> answer.accept(ProcessPages.of(service, gateway.onDemand(), gateway.eventsUrl(service)));
            if (page.getAsBoolean() || !BackendWait.possible(route)) {
                notServing.run();
                return null;
            }
            return BackendWait.forCommand(route, loop, gateway.onDemand(), connect, notServing);
        }
        Backend up = route.pick();
        if (up != null) {
            connect.accept(up);
            return null;
        }
        if (!BackendWait.possible(route)) {
            answer.accept(BackendFailure.noBackend(route));
            return null;
        }
        return BackendWait.start(
                route,
                loop,
                connect,
                () -> answer.accept(BackendFailure.noBackend(route).withLiveReload(gateway.eventsUrl(service))));
    }
}
