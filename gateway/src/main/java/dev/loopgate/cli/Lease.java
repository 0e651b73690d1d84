package dev.loopgate.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps one registration alive for {@code loopgate run}: registers, renews every third of the TTL, says once when
 * the gateway is away and again when it is back, and deregisters at the end. If this process dies without saying
 * goodbye, the lease simply runs out.
 */
final class Lease {
    private final GlobalOptions global;
    private final String service;
    private final String id;
    private final ObjectNode body;
    private final Duration ttl;
    private final PrintWriter err;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "loopgate-lease");
        t.setDaemon(true);
        return t;
    });
    private boolean registered;
    private boolean warned;

    Lease(GlobalOptions global, String service, String id, ObjectNode body, Duration ttl, PrintWriter err) {
        this.global = global;
        this.service = service;
        this.id = id;
        this.body = body;
        this.ttl = ttl;
        this.err = err;
    }

    void start() {
        long every = Math.max(200, ttl.toMillis() / 3);
        timer.scheduleWithFixedDelay(this::renew, 0, every, TimeUnit.MILLISECONDS);
    }

    private synchronized void renew() {
        try {
            AdminClient client = global.client();
            AdminClient.Reply reply = client.put(RegisterCommand.path(service, id), body);
            if (!reply.ok()) {
                say("the gateway refused the registration: " + reply.error());
                return;
            }
            if (!registered) {
                registered = true;
                warned = false;
                say(service + " is routed: " + urls(client) + " -> "
                        + body.get("url").asText());
            }
        } catch (AdminClient.Unreachable e) {
            if (!warned) {
                warned = true;
                registered = false;
                say(e.getMessage() + "; the command runs anyway and is registered when the gateway is back");
            }
        }
    }

    private String urls(AdminClient client) throws AdminClient.Unreachable {
        AdminClient.Reply reply = client.get("/api/v1/services");
        StringBuilder out = new StringBuilder();
        for (var s : reply.body().path("services")) {
            if (s.path("name").asText().equals(service)) {
                s.path("urls")
                        .forEach(u -> out.append(out.length() == 0 ? "" : " ").append(u.asText()));
            }
        }
        return out.toString();
    }

    /** Stops renewing and deregisters (best effort: an unreachable gateway lets the lease run out). */
    synchronized void stop() {
        timer.shutdownNow();
        try {
            global.client().delete(RegisterCommand.path(service, id));
        } catch (AdminClient.Unreachable e) {
            // nothing to remove, or the lease runs out by itself
        }
    }

    private void say(String message) {
        err.println("loopgate: " + message);
        err.flush();
    }
}
